-- The warehouse's published state. Idempotent: run on every open.
-- Data flows one way: landing -> staging -> work -> core and audit (see listwarden/warehouse.py).
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS work;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS cache;

-- The parse cache: every distinct (value as typed, default region) seen, as phonenumbers parsed
-- it under parser_version. Runs add to it as they parse (it is derived data, not published state).
-- It holds raw numbers: personal data, governed like contacts (retention and erasure delete here).
CREATE TABLE IF NOT EXISTS cache.numbers (
    raw VARCHAR,
    default_region VARCHAR,
    e164 VARCHAR,
    is_valid BOOLEAN,
    line_type VARCHAR,
    region VARCHAR,
    time_zones VARCHAR[],
    national_number VARCHAR,
    subject VARCHAR,
    parser_version VARCHAR
);

-- The keyed check value of the subject key this warehouse was built with (listwarden/warehouse.py):
-- another key would give every number a new subject.
CREATE TABLE IF NOT EXISTS core.subject_key_check (check_value VARCHAR);

-- Normalised contacts: E.164 (valid numbers only), validity, line type, region, time zones.
CREATE TABLE IF NOT EXISTS core.contacts (
    contact_id VARCHAR,
    country VARCHAR,
    created_at TIMESTAMPTZ,
    last_activity_at TIMESTAMPTZ,
    e164 VARCHAR,
    is_valid BOOLEAN,
    line_type VARCHAR,
    region VARCHAR,
    time_zones VARCHAR[],
    subject VARCHAR
);

-- Inbound messages classified by the optouts job: opt_out, opt_in, help, unclear or other.
CREATE TABLE IF NOT EXISTS core.inbound (
    inbound_id VARCHAR,
    e164 VARCHAR,
    subject VARCHAR,
    received_at TIMESTAMPTZ,
    kind VARCHAR,
    rule VARCHAR,
    matched_by VARCHAR,  -- how the reply's number was matched: as typed, contact digits, inbound region, or NULL
    contact_holds_number BOOLEAN
);

-- Consent now (at the last run's start) per contact and listed purpose.
CREATE TABLE IF NOT EXISTS core.consent_state (
    contact_id VARCHAR,
    purpose VARCHAR,
    state VARCHAR,
    since TIMESTAMPTZ
);

-- What a person decided about a reply in the review queue (`listwarden review decide`), who and
-- when; append-only, the latest decision per reply counts. The optouts job applies it.
CREATE TABLE IF NOT EXISTS core.review_decisions (
    inbound_id VARCHAR,
    decision VARCHAR,  -- opt-out or not-opt-out
    decided_by VARCHAR,
    decided_at TIMESTAMPTZ
);

-- Keyed hashes of numbers that opted out by reply: never messaged again unless consent is given anew.
CREATE TABLE IF NOT EXISTS core.suppression (
    subject VARCHAR,
    since TIMESTAMPTZ,
    reason VARCHAR
);

-- Who may receive a consent-requiring purpose now (`listwarden export sendable`).
CREATE TABLE IF NOT EXISTS core.sendable (
    purpose VARCHAR,
    contact_id VARCHAR,
    e164 VARCHAR,
    subject VARCHAR
);

-- Files of raw numbers listwarden wrote (sendable exports): erasure must rewrite or remove them.
CREATE TABLE IF NOT EXISTS core.exports (
    path VARCHAR,
    purpose VARCHAR,
    rows BIGINT,
    written_at TIMESTAMPTZ
);

-- Where each published run's report was written: a run killed before its report gets it from the next.
CREATE TABLE IF NOT EXISTS core.reports (run_id VARCHAR PRIMARY KEY, path VARCHAR, written_at TIMESTAMPTZ);

-- Consent events of deleted contacts, kept as proof of consent for the legal period (retention's
-- consent_proof_expired rule deletes them): the contact is named by keyed hashes only.
CREATE TABLE IF NOT EXISTS core.consent_proof (
    event_id VARCHAR,
    contact_key VARCHAR,
    subject VARCHAR,
    purpose VARCHAR,
    action VARCHAR,
    method VARCHAR,
    occurred_at TIMESTAMPTZ,
    notice_version VARCHAR,
    source VARCHAR,
    contact_deleted_at TIMESTAMPTZ
);

-- What the compliance checks last checked (sql/compliance/scope.sql): a nightly run re-checks only
-- the contacts, messages and replies whose facts changed since. Written by the publish of a run
-- that ran the compliance checks; a fingerprint is a hash of what the checks read about a record.
-- Contacts and replies are named by a hash of their id, numbers by their subject: never an id or a number.
CREATE TABLE IF NOT EXISTS core.checked_run (policy_sha256 VARCHAR, code_version VARCHAR, versions JSON);
CREATE TABLE IF NOT EXISTS core.checked_contacts (contact_key UBIGINT, subject VARCHAR, fingerprint UBIGINT);
CREATE TABLE IF NOT EXISTS core.checked_inbound (inbound_key UBIGINT, subject VARCHAR, fingerprint UBIGINT);
CREATE TABLE IF NOT EXISTS core.checked_deactivations (fingerprint UBIGINT, subject VARCHAR);
-- Every (contact, number) a checked message went to: who must be re-checked when a number's facts change.
CREATE TABLE IF NOT EXISTS core.message_targets (contact_key UBIGINT, to_subject VARCHAR);
-- Contacts whose messages a deletion removed after they were checked: the next check takes them again.
CREATE TABLE IF NOT EXISTS core.rescope_contacts (contact_key UBIGINT);
-- Messages appended to staging and not checked yet (a run that stops before publishing leaves them here).
CREATE TABLE IF NOT EXISTS staging.unchecked_messages (message_key UBIGINT);

CREATE TABLE IF NOT EXISTS audit.runs (
    run_id VARCHAR,
    flow VARCHAR,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    status VARCHAR,
    parameters JSON,
    inputs JSON,
    policy_sha256 VARCHAR,
    code_version VARCHAR,
    versions JSON,
    policy JSON,  -- the policy the run applied (the report's record of processing)
    seq BIGINT,
    row_sha256 VARCHAR
);

CREATE TABLE IF NOT EXISTS audit.steps (
    run_id VARCHAR,
    step VARCHAR,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    detail JSON,
    seq BIGINT,
    row_sha256 VARCHAR
);

CREATE TABLE IF NOT EXISTS audit.gate_results (
    run_id VARCHAR,
    gate VARCHAR,
    table_name VARCHAR,
    expectation VARCHAR,
    column_name VARCHAR,
    description VARCHAR,
    severity VARCHAR,
    success BOOLEAN,
    unexpected_count BIGINT,
    sample_rows BIGINT[],
    checked_at TIMESTAMPTZ,
    seq BIGINT,
    row_sha256 VARCHAR
);

-- What the accuracy step saw, one row per run that normalised numbers (the report's accuracy
-- section and the next run's valid-share baseline).
CREATE TABLE IF NOT EXISTS audit.accuracy (
    run_id VARCHAR,
    contacts BIGINT,
    valid BIGINT,
    valid_share DOUBLE,
    previous_valid_share DOUBLE,
    valid_share_drop DOUBLE,
    max_valid_share_drop DOUBLE,
    line_types JSON,
    country_mismatches BIGINT,
    mismatch_pairs JSON,
    values_parsed BIGINT,
    seq BIGINT,
    row_sha256 VARCHAR
);

-- Counts a run reports by section: inbound (messages per kind), segments (messages per encoding
-- and segment count), audience (sendable contacts per purpose, suppressed numbers).
CREATE TABLE IF NOT EXISTS audit.metrics (
    run_id VARCHAR,
    section VARCHAR,
    name VARCHAR,
    value BIGINT,
    seq BIGINT,
    row_sha256 VARCHAR
);

-- Inbound messages that mention opting out but match no rule: a person decides.
CREATE TABLE IF NOT EXISTS audit.review_queue (
    run_id VARCHAR,
    inbound_id VARCHAR,
    subject VARCHAR,
    received_at TIMESTAMPTZ,
    reason VARCHAR,
    inbound_key VARCHAR,
    seq BIGINT,
    row_sha256 VARCHAR
);

-- A finding is written to audit.violations by the run that opens it, one row per (check, record_table,
-- record_id), and here by the run that closes it (it no longer holds, or its record was deleted); while
-- it holds it is not written again. Named by the keyed id (record_key), never the id, so erasure has
-- nothing to redact; opened_run is the run whose audit.violations row it closes.
CREATE TABLE IF NOT EXISTS audit.finding_closures (
    run_id VARCHAR,
    "check" VARCHAR,
    record_table VARCHAR,
    record_key VARCHAR,
    opened_run VARCHAR,
    reason VARCHAR,  -- no longer holds, or record deleted
    seq BIGINT,
    row_sha256 VARCHAR
);

CREATE TABLE IF NOT EXISTS audit.violations (
    run_id VARCHAR,
    "check" VARCHAR,
    severity VARCHAR,
    record_table VARCHAR,
    record_id VARCHAR,
    subject VARCHAR,
    detail VARCHAR,
    rule VARCHAR,
    record_key VARCHAR,
    seq BIGINT,
    row_sha256 VARCHAR
);

-- What retention and erasure deleted, phase by phase: plan (rows per rule and table, before the
-- gate), apply (rows deleted, kept as proof, redacted or added), files (export and report files
-- rewritten), compact (the file rewritten without the deleted bytes) and verify (the proof).
CREATE TABLE IF NOT EXISTS audit.deletions (
    run_id VARCHAR,
    phase VARCHAR,
    rule VARCHAR,
    table_name VARCHAR,
    action VARCHAR,
    rows BIGINT,
    subjects BIGINT,  -- how many numbers (keyed hashes, in audit.deleted_subjects) it concerns
    outcome VARCHAR,
    recorded_at TIMESTAMPTZ,
    record_keys VARCHAR[],  -- the keyed ids a redaction replaced by '(erased)'
    seq BIGINT,
    row_sha256 VARCHAR
);

-- The keyed hashes of the numbers whose records a run deleted, per rule (one row each: a retention
-- run deletes hundreds of thousands).
CREATE TABLE IF NOT EXISTS audit.deleted_subjects (
    run_id VARCHAR,
    rule VARCHAR,
    subject VARCHAR,
    seq BIGINT,
    row_sha256 VARCHAR
);

-- The audit chain (listwarden/audit.py): every audit row carries its place in the chain (seq, one
-- sequence across all audit tables) and row_sha256, the sha256 of its table, seq and canonical
-- content. Ids an erasure may redact are hashed through their keyed hash (record_key, inbound_key),
-- so a redaction leaves the hashes intact. A sealing binds each run's new rows of a table, up to
-- 10,000 at a time, into a block of audit.chain (their row hashes' digest), and the blocks are
-- chained: chain_sha256 = sha256(previous block's chain_sha256 + this block's description).
CREATE TABLE IF NOT EXISTS audit.chain (
    table_name VARCHAR,
    run_id VARCHAR,
    first_seq BIGINT,
    last_seq BIGINT,
    rows BIGINT,
    digest VARCHAR,
    chain_sha256 VARCHAR
);

-- A run starts from an empty work schema. Its records are published to audit at the end.
DROP SCHEMA IF EXISTS work CASCADE;
CREATE SCHEMA work;
CREATE TABLE work.run (
    run_id VARCHAR, flow VARCHAR, started_at TIMESTAMPTZ, parameters JSON,
    policy_sha256 VARCHAR, code_version VARCHAR, versions JSON, policy JSON
);
CREATE TABLE work.policy_purposes (name VARCHAR, consent_required BOOLEAN);
-- The allowed local sending window: region NULL is the default, other rows are country overrides.
CREATE TABLE work.policy_quiet_hours (region VARCHAR, allowed_from TIME, allowed_until TIME);
CREATE TABLE work.inputs (table_name VARCHAR, file VARCHAR, format VARCHAR, rows BIGINT, sha256 VARCHAR);
-- What ingest's promote did per table (listwarden/ingest.py): how it was delivered, rows delivered and
-- now in staging, and the change against what staging held (the rows in work.changes).
CREATE TABLE work.deliveries (
    table_name VARCHAR, delivery VARCHAR, rows BIGINT, staged BIGINT, new BIGINT, changed BIGINT, gone BIGINT
);
CREATE TABLE work.changes (table_name VARCHAR, record_id VARCHAR, change VARCHAR);
CREATE TABLE work.undeclared_fields (column_name VARCHAR);
CREATE TABLE work.steps (step VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, detail JSON);
CREATE TABLE work.gate_results (
    gate VARCHAR, table_name VARCHAR, expectation VARCHAR, column_name VARCHAR, description VARCHAR,
    severity VARCHAR, success BOOLEAN, unexpected_count BIGINT, sample_rows BIGINT[], checked_at TIMESTAMPTZ
);
CREATE TABLE work.accuracy AS SELECT * EXCLUDE (run_id, seq, row_sha256) FROM audit.accuracy LIMIT 0;
CREATE TABLE work.review_queue AS SELECT * EXCLUDE (run_id, seq, row_sha256, inbound_key) FROM audit.review_queue LIMIT 0;
CREATE TABLE work.metrics AS SELECT * EXCLUDE (run_id, seq, row_sha256) FROM audit.metrics LIMIT 0;
-- The checks this run ran: only their findings open or close; a check of scope `changed` closes only
-- findings of the records in work.scope_records (what the run re-checked; listwarden/compliance.py).
CREATE TABLE work.checks_run ("check" VARCHAR, scope VARCHAR);
CREATE TABLE work.scope_records (record_table VARCHAR, record_key UBIGINT);
CREATE TABLE work.violations (
    "check" VARCHAR, severity VARCHAR, record_table VARCHAR, record_id VARCHAR,
    subject VARCHAR, detail VARCHAR, rule VARCHAR
);

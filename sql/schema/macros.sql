-- Macros live in the in-memory catalog of the connection's DuckDB instance, which its cursors
-- share: created on every open, read-only opens included, never written into the warehouse file.
-- Sessions find them through their search path (listwarden/warehouse.py configure_session).

-- Purposes are dotted names; consent to a purpose covers its children.
-- purpose_ancestors('marketing.offers') = ['marketing', 'marketing.offers'].
CREATE OR REPLACE MACRO memory.main.purpose_ancestors(purpose) AS
    list_transform(
        range(1, len(string_split(purpose, '.')) + 1),
        depth -> array_to_string(string_split(purpose, '.')[1:depth], '.')
    );

-- The runs a report's trends cover: the last 30 published runs up to the reported one (so a
-- report rebuilt later is the same).
CREATE OR REPLACE MACRO memory.main.trend_runs(reported_run) AS TABLE
    SELECT run_id, finished_at
    FROM audit.runs
    WHERE finished_at <= (SELECT finished_at FROM audit.runs WHERE run_id = reported_run)
    ORDER BY finished_at DESC
    LIMIT 30;

-- The findings open now: written to audit.violations by the run that opened them, not closed since.
CREATE OR REPLACE MACRO memory.main.open_findings() AS TABLE
    SELECT v.*
    FROM audit.violations AS v
    ANTI JOIN audit.finding_closures AS c
        ON c.opened_run = v.run_id AND c."check" = v."check" AND c.record_table = v.record_table
       AND c.record_key = v.record_key;

-- Every finding written to audit.violations with when it opened and, once a run closed it, when,
-- by which run and why.
CREATE OR REPLACE MACRO memory.main.finding_spans() AS TABLE
    SELECT v.*, opened.finished_at AS opened_at, c.run_id AS closed_run, closed.finished_at AS closed_at,
           c.reason AS closed_because
    FROM audit.violations AS v
    JOIN audit.runs AS opened USING (run_id)
    LEFT JOIN audit.finding_closures AS c
        ON c.opened_run = v.run_id AND c."check" = v."check" AND c.record_table = v.record_table
       AND c.record_key = v.record_key
    LEFT JOIN audit.runs AS closed ON closed.run_id = c.run_id;

-- Did a finding hold in the run that finished at `run_end`: opened by then, and not closed before,
-- nor closed by that run because it no longer held (a run that deletes a finding's record found it).
CREATE OR REPLACE MACRO memory.main.finding_held(opened_at, closed_at, closed_because, run_end) AS
    opened_at <= run_end
    AND (closed_at IS NULL OR closed_at > run_end OR (closed_at = run_end AND closed_because = 'record deleted'));

-- The findings of a run, by status: `open` (they held in the run: the new ones included, and those
-- whose record it deleted), `new` (it opened them) or `closed` (it closed them).
CREATE OR REPLACE MACRO memory.main.findings_of_run(reported_run, wanted) AS TABLE
    WITH target AS (SELECT finished_at AS at FROM audit.runs WHERE run_id = reported_run)
    SELECT s.* EXCLUDE (opened_at, closed_at, closed_run, closed_because), s.closed_because
    FROM finding_spans() AS s, target AS t
    WHERE CASE wanted
        WHEN 'new' THEN s.run_id = reported_run
        WHEN 'open' THEN finding_held(s.opened_at, s.closed_at, s.closed_because, t.at)
        WHEN 'closed' THEN s.closed_run = reported_run
    END;

-- HMAC-SHA256 (RFC 2104) of a text under the subject key, as hex, the same as
-- listwarden.keys.subject_hash: the key's inner and outer pads are variables of the connection
-- (set when the warehouse is opened), so that keyed hashes of millions of rows stay in SQL.
CREATE OR REPLACE MACRO memory.main.keyed_hash(message) AS
    sha256(getvariable('subject_outer_pad') || unhex(sha256(getvariable('subject_inner_pad') || encode(message))));

-- The keyed hash that stands for an audit record id an erasure may redact.
CREATE OR REPLACE MACRO memory.main.audit_id_key(record_id) AS keyed_hash('audit id:' || record_id);

-- A source timestamp as TIMESTAMPTZ, or NULL when it is not ISO 8601 as the data contract says:
-- a date, or a date and time with seconds (fraction optional) and optionally Z or an offset of at
-- most 14 hours; no offset is UTC. DuckDB alone would also take 'infinity', 'epoch', zone names
-- and offsets such as +99:00 or +01:00:30. Typed Parquet timestamps pass through their text.
CREATE OR REPLACE MACRO memory.main.iso_timestamp(value) AS
    CASE WHEN regexp_full_match(CAST(value AS VARCHAR),
        '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?(Z|[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?)?)?')
    THEN try_cast(CAST(value AS VARCHAR) AS TIMESTAMPTZ) END;

-- The keyed hash that names a deleted contact in the consent proofs and erasure requests (the
-- same as listwarden.keys.contact_key).
CREATE OR REPLACE MACRO memory.main.contact_key(contact_id) AS keyed_hash('contact_id:' || contact_id);

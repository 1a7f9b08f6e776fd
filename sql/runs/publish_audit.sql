-- The run's records, appended to the audit trail (inside publish's transaction; listwarden/audit.py
-- then seals them into the chain). BY NAME: the chain columns are filled by the seal. Ids an
-- erasure may redact get their keyed hash now: the chain hashes that instead of the id.
INSERT INTO audit.runs BY NAME
SELECT
    run_id, flow, started_at, now() AS finished_at, 'published' AS status, parameters,
    (
        SELECT to_json(coalesce(list(
            {'table': table_name, 'file': file, 'format': format, 'rows': rows, 'sha256': sha256}
            ORDER BY table_name
        ), []))
        FROM work.inputs
    ) AS inputs,
    policy_sha256, code_version, versions, policy
FROM work.run;

INSERT INTO audit.steps BY NAME
SELECT run.run_id, s.step, s.started_at, s.finished_at, s.detail
FROM work.steps AS s, work.run AS run;

INSERT INTO audit.gate_results BY NAME
SELECT
    run.run_id, g.gate, g.table_name, g.expectation, g.column_name, g.description, g.severity, g.success,
    g.unexpected_count, g.sample_rows, g.checked_at
FROM work.gate_results AS g, work.run AS run;

INSERT INTO audit.accuracy BY NAME
SELECT run.run_id, a.*
FROM work.accuracy AS a, work.run AS run;

INSERT INTO audit.review_queue BY NAME
SELECT run.run_id, q.*, audit_id_key(q.inbound_id) AS inbound_key
FROM work.review_queue AS q, work.run AS run;

INSERT INTO audit.metrics BY NAME
SELECT run.run_id, m.*
FROM work.metrics AS m, work.run AS run;

INSERT INTO audit.violations BY NAME
SELECT run.run_id, v."check", v.severity, v.record_table, v.record_id, v.subject, v.detail, v.rule,
       audit_id_key(v.record_id) AS record_key
FROM work.violations AS v, work.run AS run;

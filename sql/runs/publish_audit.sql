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

-- Findings have a life cycle: of the checks this run ran, a finding not open yet is opened (written
-- to audit.violations), an open one that no longer holds is closed; one that still holds is not
-- written again. A check of scope `changed` saw only the records the run re-checked: it closes
-- only among them. Only the change is written: nothing copies the open findings.
INSERT INTO audit.finding_closures BY NAME
SELECT (SELECT run_id FROM work.run) AS run_id, f."check", f.record_table, f.record_key, f.run_id AS opened_run,
       'no longer holds' AS reason
FROM open_findings() AS f
JOIN work.checks_run AS c ON c."check" = f."check"
LEFT JOIN work.scope_records AS s ON s.record_table = f.record_table AND s.record_key = hash(f.record_id)
ANTI JOIN work.violations AS v ON v."check" = f."check" AND v.record_table = f.record_table AND v.record_id = f.record_id
WHERE c.scope = 'all' OR s.record_key IS NOT NULL;

INSERT INTO audit.violations BY NAME
SELECT run.run_id, v."check", v.severity, v.record_table, v.record_id, v.subject, v.detail, v.rule,
       audit_id_key(v.record_id) AS record_key
FROM (
    SELECT * FROM work.violations AS v
    ANTI JOIN open_findings() AS f ON f."check" = v."check" AND f.record_table = v.record_table AND f.record_id = v.record_id
) AS v, work.run AS run;

-- Findings about records deleted on an erasure request (now, or again after the source brought
-- them back: the rules that redact audit ids) keep their check, subject and detail; the record id
-- becomes '(erased)'. The keyed ids redacted are recorded first: verification accepts a redacted
-- id only with that record.
INSERT INTO audit.deletions BY NAME
SELECT (SELECT run_id FROM work.run) AS run_id, 'apply' AS phase, 'audit.violations' AS table_name, 'record id redacted' AS action,
       count(v.record_key) AS rows, list(DISTINCT v.record_key ORDER BY v.record_key) AS record_keys, 'done' AS outcome,
       now() AS recorded_at
FROM (
    SELECT v.record_key
    FROM audit.violations AS v
    JOIN work.deletion_plan AS p
        ON p.action = 'delete' AND p.table_name = v.record_table AND p.record_id = v.record_id
    JOIN work.retention_rules AS r ON r.name = p.rule AND r.redacts_audit_ids
) AS v;

UPDATE audit.violations AS v
SET record_id = '(erased)'
FROM work.deletion_plan AS p
JOIN work.retention_rules AS r ON r.name = p.rule AND r.redacts_audit_ids
WHERE p.action = 'delete' AND p.table_name = v.record_table AND p.record_id = v.record_id;

-- The plan in the audit trail: rows per rule, table and action, and how many numbers (keyed hashes) it concerns.
INSERT INTO audit.deletions BY NAME
SELECT
    r.run_id, 'plan' AS phase, p.rule, p.table_name, p.action, count(*) AS rows,
    count(DISTINCT p.subject) AS subjects,
    CASE WHEN s.refusal IS NOT NULL THEN 'refused: ' || s.refusal
         WHEN s.dry_run THEN 'dry run: not applied' ELSE 'planned' END AS outcome,
    now() AS recorded_at
FROM work.deletion_plan AS p, work.run AS r, work.retention_settings AS s
GROUP BY r.run_id, p.rule, p.table_name, p.action, s.dry_run, s.refusal
ORDER BY p.rule, p.table_name

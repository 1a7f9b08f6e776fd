-- Findings about deleted records keep their check, subject and detail; the record id goes.
UPDATE audit.violations AS v
SET record_id = NULL
FROM work.deletion_plan AS p
WHERE p.action = 'delete' AND p.table_name = v.record_table AND p.record_id = v.record_id

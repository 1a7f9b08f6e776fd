-- Findings about records an erasure request deletes keep their check, subject and detail; the
-- record id becomes '(erased)'.
UPDATE audit.violations AS v
SET record_id = '(erased)'
FROM work.deletion_plan AS p
WHERE p.action = 'delete' AND p.table_name = v.record_table AND p.record_id = v.record_id

-- Findings about records deleted on an erasure request (now, or again after the source brought
-- them back) keep their check, subject and detail; the record id becomes '(erased)'.
UPDATE audit.violations AS v
SET record_id = '(erased)'
FROM work.deletion_plan AS p
WHERE p.rule IN ('erasure_request', 'erased_before') AND p.action = 'delete'
  AND p.table_name = v.record_table AND p.record_id = v.record_id

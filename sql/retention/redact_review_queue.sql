UPDATE audit.review_queue AS q
SET inbound_id = '(erased)'
FROM work.deletion_plan AS p
WHERE p.rule IN ('erasure_request', 'erased_before') AND p.table_name = 'inbound' AND p.record_id = q.inbound_id

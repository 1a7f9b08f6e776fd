-- Runs whose findings name a record deleted on an erasure request (a rule that redacts audit ids):
-- their reports are rendered again.
INSERT INTO erasure.pending
SELECT DISTINCT 'report_run', shown.run_id
FROM finding_spans() AS v
JOIN work.deletion_plan AS p ON p.action = 'delete' AND p.table_name = v.record_table AND p.record_id = v.record_id
JOIN work.retention_rules AS r ON r.name = p.rule AND r.redacts_audit_ids
-- every report that showed the finding open
JOIN audit.runs AS shown ON finding_held(v.opened_at, v.closed_at, v.closed_because, shown.finished_at)
UNION
SELECT 'report_run', q.run_id
FROM audit.review_queue AS q
JOIN work.deletion_plan AS p ON p.table_name = 'inbound' AND p.record_id = q.inbound_id
JOIN work.retention_rules AS r ON r.name = p.rule AND r.redacts_audit_ids

-- Replies deleted on an erasure request leave the review queue's history as '(erased)', after
-- their keyed ids are recorded (see redact_violations.sql).
INSERT INTO audit.deletions BY NAME
SELECT (SELECT run_id FROM work.run) AS run_id, 'apply' AS phase, 'audit.review_queue' AS table_name, 'record id redacted' AS action,
       count(q.inbound_key) AS rows, list(DISTINCT q.inbound_key ORDER BY q.inbound_key) AS record_keys, 'done' AS outcome,
       now() AS recorded_at
FROM (
    SELECT q.inbound_key
    FROM audit.review_queue AS q
    JOIN work.deletion_plan AS p ON p.table_name = 'inbound' AND p.record_id = q.inbound_id
    JOIN work.retention_rules AS r ON r.name = p.rule AND r.redacts_audit_ids
) AS q;

UPDATE audit.review_queue AS q
SET inbound_id = '(erased)'
FROM work.deletion_plan AS p
JOIN work.retention_rules AS r ON r.name = p.rule AND r.redacts_audit_ids
WHERE p.table_name = 'inbound' AND p.record_id = q.inbound_id;

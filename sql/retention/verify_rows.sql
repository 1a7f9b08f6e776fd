-- Rows that still hold a deleted value (erased_values: kind, value; registered by the caller):
-- a planned record's key, or a number or id that no kept row held (retention/pending_values).
-- Every count must be 0 after apply.
SELECT h.table_name, count(*) AS found
FROM held_values AS h
SEMI JOIN erased_values AS e ON e.kind = h.kind AND e.value = h.value
GROUP BY h.table_name
UNION ALL
-- Findings keep record ids after retention; an erasure request redacts them ($audit_redacted).
SELECT 'audit.violations', count(*) FROM audit.violations
WHERE $audit_redacted AND record_id IN (SELECT value FROM erased_values WHERE list_contains($id_kinds, kind))
UNION ALL
SELECT 'audit.review_queue', count(*) FROM audit.review_queue
WHERE $audit_redacted AND inbound_id IN (SELECT value FROM erased_values WHERE kind = 'inbound_id')

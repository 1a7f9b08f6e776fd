-- An erasure request: the contacts holding the number (or the contacts named), and every inbound
-- message from the number. Due at once.
SELECT 'contacts' AS record_table, c.contact_id AS record_id, c.subject, s.as_of AS deadline
FROM work.contacts AS c, work.retention_settings AS s
WHERE c.subject = $subject OR list_contains($contact_ids, c.contact_id)
UNION ALL
SELECT 'inbound', i.inbound_id, i.subject, s.as_of
FROM work.inbound AS i, work.retention_settings AS s
WHERE i.subject = $subject

-- An erasure request: the contacts holding the number (or the contacts named), and every inbound
-- message from the number. Due at once.
SELECT 'contacts' AS record_table, c.contact_id AS record_id, c.subject, s.as_of AS deadline
FROM work.contacts AS c, work.retention_settings AS s
WHERE c.subject = $subject OR list_contains($contact_ids, c.contact_id)
UNION ALL
SELECT 'inbound', i.inbound_id, i.subject, s.as_of
FROM work.inbound AS i, work.retention_settings AS s
WHERE i.subject = $subject
UNION ALL
-- Messages to the number, whichever contact they were logged under.
SELECT 'messages', m.message_id, $subject, s.as_of
FROM staging.messages AS m
LEFT JOIN staging.contacts AS c ON c.contact_id = m.contact_id
JOIN cache.numbers AS n ON n.raw IS NOT DISTINCT FROM m.to_phone AND n.default_region IS NOT DISTINCT FROM c.country
CROSS JOIN work.retention_settings AS s
WHERE n.subject = $subject

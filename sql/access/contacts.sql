-- The person's contacts: those with the number ($subject) or the ids asked for ($contact_ids).
SELECT s.*, c.e164, c.is_valid, c.line_type, c.region, c.time_zones
FROM staging.contacts AS s
LEFT JOIN core.contacts AS c USING (contact_id)
WHERE c.subject = $subject OR list_contains($contact_ids, s.contact_id)
ORDER BY s.contact_id

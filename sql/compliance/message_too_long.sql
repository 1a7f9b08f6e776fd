-- message_too_long: a consent-requiring message of more SMS segments than length.max_segments
-- (GSM-7: 160 characters alone, 153 per segment; UCS-2: 70 and 67).
SELECT 'messages' AS record_table, m.message_id AS record_id, NULL AS subject,
       b.segments || ' ' || upper(b.encoding) || ' segments (at most ' || $max_segments || ')' AS detail
FROM work.message_consent AS m
JOIN work.body_facts AS b USING (body_hash)
WHERE m.consent_required AND b.segments > $max_segments

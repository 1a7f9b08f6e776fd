/* check
job: compliance
severity: low
principle: content
rule: policy length.max_segments
explanation: A consent-requiring message longer than the allowed number of SMS segments.
finds: a consent-requiring message of more than 3 SMS segments (GSM-7 160/153 characters, extension characters count 2; otherwise UCS-2 70/67 UTF-16 units)
binds:
  max_segments: length.max_segments
scope: changed
*/
-- message_too_long: a consent-requiring message of more SMS segments than length.max_segments
-- (GSM-7: 160 characters alone, 153 per segment; UCS-2: 70 and 67).
SELECT 'messages' AS record_table, m.message_id AS record_id, NULL AS subject,
       b.segments || ' ' || upper(b.encoding) || ' segments (at most ' || $max_segments || ')' AS detail
FROM work.message_consent AS m
JOIN work.body_facts AS b USING (body_hash)
WHERE m.consent_required AND b.segments > $max_segments

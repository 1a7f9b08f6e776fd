/* check
job: compliance
severity: high
principle: content
rule: policy sender_names; TCPA 47 CFR 64.1200(b)(1); PECR reg. 23
explanation: A consent-requiring message does not name the sender.
finds: a consent-requiring message that contains none of `sender_names` (case-insensitive)
scope: changed
*/
-- missing_sender_id: a consent-requiring message whose body names none of the policy's sender_names.
SELECT 'messages' AS record_table, m.message_id AS record_id, NULL AS subject,
       'the body names no sender of sender_names' AS detail
FROM work.message_consent AS m
JOIN work.body_facts AS b USING (body_hash)
WHERE m.consent_required AND NOT b.names_sender

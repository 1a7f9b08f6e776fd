/* check
job: compliance
severity: high
principle: content
rule: policy content.opt_out_instructions; PECR reg. 23; CTIA Messaging Principles
explanation: A consent-requiring message does not say how to opt out.
finds: a consent-requiring message containing none of `content.opt_out_instructions` (case-insensitive)
scope: changed
*/
-- missing_opt_out_instruction: a consent-requiring message whose body carries none of the
-- policy's content.opt_out_instructions ("Reply STOP", "STOP to opt out", "СТОП", "ARRET", ...).
SELECT 'messages' AS record_table, m.message_id AS record_id, NULL AS subject,
       'the body says nowhere how to opt out' AS detail
FROM work.message_consent AS m
JOIN work.body_facts AS b USING (body_hash)
WHERE m.consent_required AND NOT b.has_opt_out_instruction

/* check
job: compliance
severity: critical
principle: consent
rule: policy purposes; GDPR Art. 6(1)(a), 7(1); PECR reg. 22; TCPA 47 CFR 64.1200(a)(2)
explanation: A consent-requiring message went to a contact who had never opted in to anything.
finds: a consent-requiring message to a contact who had not opted in to any purpose at or before `sent_at`
scope: changed
*/
-- no_consent: a consent-requiring message to a contact who had not opted in to any purpose by sent_at.
SELECT
    'messages' AS record_table,
    message_id AS record_id,
    NULL AS subject,
    'purpose ' || purpose || ': no opt-in to any purpose before ' || strftime(sent_at, '%Y-%m-%dT%H:%M:%SZ') AS detail
FROM work.message_consent
WHERE consent_required AND NOT opted_in_before

/* check
job: compliance
severity: high
principle: purpose limitation
rule: policy purposes; GDPR Art. 5(1)(b), 6(1)(a)
explanation: The contact had opted in, but not to this message's purpose or an ancestor of it.
finds: the contact had opted in, but not to the message's purpose or an ancestor of it
scope: changed
*/
-- purpose_not_consented: the contact had opted in to something, but not to this purpose or an ancestor.
SELECT
    'messages' AS record_table,
    message_id AS record_id,
    NULL AS subject,
    'purpose ' || purpose || ': the contact opted in to other purposes only' AS detail
FROM work.message_consent
WHERE consent_required AND opted_in_before AND NOT purpose_opted_in_before

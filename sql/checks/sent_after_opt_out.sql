/* check
job: compliance
severity: critical
principle: opt-outs
rule: policy opt_out; GDPR Art. 7(3), 21(3); TCPA 47 CFR 64.1200(a)(10)
explanation: The contact's consent for the purpose had been withdrawn before the message was sent.
finds: consent for the purpose was given, then withdrawn at or before `sent_at` by a recorded `opt_out` event or an inbound opt-out
scope: changed
*/
-- sent_after_opt_out: consent for the purpose had been given, then withdrawn before sent_at
-- (by an opt_out event, or by an inbound opt-out from the contact's number).
SELECT
    'messages' AS record_table,
    message_id AS record_id,
    NULL AS subject,
    'purpose ' || purpose || ': consent withdrawn '
        || CASE WHEN withdrawn_by_inbound THEN 'by an inbound opt-out ' ELSE '' END
        || 'before ' || strftime(sent_at, '%Y-%m-%dT%H:%M:%SZ') AS detail
FROM work.message_consent
WHERE consent_required AND purpose_opted_in_before AND withdrawn_at_send

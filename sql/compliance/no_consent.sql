-- no_consent: a consent-requiring message to a contact who had not opted in to any purpose by sent_at.
SELECT
    'messages' AS record_table,
    message_id AS record_id,
    NULL AS subject,
    'purpose ' || purpose || ': no opt-in to any purpose before ' || strftime(sent_at, '%Y-%m-%dT%H:%M:%SZ') AS detail
FROM work.message_consent
WHERE consent_required AND NOT opted_in_before

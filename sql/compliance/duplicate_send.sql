-- duplicate_send: the same body to the same contact again within duplicate_send_window_minutes
-- of the previous copy (a retry gone wrong); every copy after the first is flagged. Any purpose.
SELECT 'messages' AS record_table, message_id AS record_id, subject,
       'same body as a message sent ' || round(epoch(sent_at - previous_sent_at) / 60, 1) || ' min earlier' AS detail
FROM (
    SELECT message_id, subject, sent_at,
           lag(sent_at) OVER (PARTITION BY contact_id, body_hash ORDER BY sent_at, message_id) AS previous_sent_at
    FROM work.message_consent
)
WHERE sent_at - previous_sent_at <= to_minutes(CAST($duplicate_window_minutes AS BIGINT))

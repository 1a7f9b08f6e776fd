-- frequency_cap: counted in sent_at order per contact over consent-requiring messages, in the
-- window (sent_at - window_hours, sent_at]; every message past max_messages is flagged.
-- Messages at the same instant count in message_id order.
SELECT
    'messages' AS record_table,
    message_id AS record_id,
    subject,
    'message ' || position || ' to this contact within ' || $window_hours || ' h (cap ' || $max_messages || ')' AS detail
FROM (
    SELECT
        message_id, subject,
        count(*) OVER (
            PARTITION BY contact_id ORDER BY sent_at
            RANGE BETWEEN to_hours(CAST($window_hours AS BIGINT)) - INTERVAL 1 MICROSECOND PRECEDING AND CURRENT ROW
        )
        - count(*) OVER (PARTITION BY contact_id, sent_at)
        + row_number() OVER (PARTITION BY contact_id, sent_at ORDER BY message_id) AS position
    FROM work.message_consent
    WHERE consent_required
)
WHERE position > $max_messages

/* check
job: compliance
severity: low
principle: content
rule: policy duplicate_send_window_minutes
explanation: 'The same body went to the same contact again within the window: a retry gone wrong.'
finds: 'the same body to the same contact within 60 minutes (inclusive) of an earlier copy, whatever the purpose: every copy after the first'
binds:
  duplicate_window_minutes: duplicate_send_window_minutes
scope: changed
*/
-- duplicate_send: the same body to the same contact again within duplicate_send_window_minutes
-- of an earlier copy (a retry gone wrong); every copy after the first is flagged, whatever the
-- purpose. Copies at the same instant count in message_id order.
-- Two stages for speed: a range-framed count finds the messages with another copy within the
-- window either side; the exact earlier copy is looked for among those only. (Range-framed aggregates, not lag(): DuckDB
-- runs them far faster over many small partitions.)
WITH counted AS (
    SELECT
        message_id, hash(contact_id, body_hash) AS copy_key, sent_at,
        count(*) OVER (
            PARTITION BY hash(contact_id, body_hash) ORDER BY sent_at
            RANGE BETWEEN to_minutes(CAST($duplicate_window_minutes AS BIGINT)) PRECEDING
                  AND to_minutes(CAST($duplicate_window_minutes AS BIGINT)) FOLLOWING
        ) AS copies_nearby
    FROM work.message_consent
),
candidates AS (
    SELECT
        message_id, sent_at,
        max(sent_at) OVER (
            PARTITION BY copy_key ORDER BY sent_at
            RANGE BETWEEN to_minutes(CAST($duplicate_window_minutes AS BIGINT)) PRECEDING AND INTERVAL 1 MICROSECOND PRECEDING
        ) AS previous_sent_at,
        row_number() OVER (PARTITION BY copy_key, sent_at ORDER BY message_id) AS among_same_instant
    FROM counted
    WHERE copies_nearby > 1
)
SELECT
    'messages' AS record_table,
    message_id AS record_id,
    NULL AS subject,
    'same body sent to this contact ' || round(epoch(sent_at - coalesce(previous_sent_at, sent_at)) / 60, 1)
        || ' min earlier' AS detail
FROM candidates
WHERE previous_sent_at IS NOT NULL OR among_same_instant > 1

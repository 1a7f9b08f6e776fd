/* check
job: compliance
severity: medium
principle: timing
rule: policy frequency_cap; CTIA Messaging Principles
explanation: More consent-requiring messages to one contact than the cap allows in the rolling window.
finds: 'a consent-requiring message past the cap (2) counted per contact over (sent_at - 24 h, sent_at]: the 3rd and later'
binds:
  max_messages: frequency_cap.max_messages
  window_hours: frequency_cap.window_hours
scope: changed
*/
-- frequency_cap: counted in sent_at order per contact over consent-requiring messages, in the
-- window (sent_at - window_hours, sent_at]; every message past max_messages is flagged.
-- Messages at the same instant count in an order fixed by their message_id.
-- Two stages for speed: a range-framed count (which counts same-instant messages together) finds
-- the few messages that can be over the cap; the exact position is worked out among those only.
WITH counted AS (
    SELECT
        message_id, hash(contact_id) AS contact_key, sent_at,
        count(*) OVER (
            PARTITION BY hash(contact_id) ORDER BY sent_at
            RANGE BETWEEN to_hours(CAST($window_hours AS BIGINT)) - INTERVAL 1 MICROSECOND PRECEDING AND CURRENT ROW
        ) AS in_window
    FROM work.message_consent
    WHERE consent_required
),
positioned AS (
    SELECT
        message_id,
        in_window - count(*) OVER same_instant + row_number() OVER (same_instant ORDER BY message_id) AS position
    FROM counted
    WHERE in_window > $max_messages
    WINDOW same_instant AS (PARTITION BY contact_key, sent_at)
)
SELECT
    'messages' AS record_table,
    message_id AS record_id,
    NULL AS subject,
    'message ' || position || ' to this contact within ' || $window_hours || ' h (cap ' || $max_messages || ')' AS detail
FROM positioned
WHERE position > $max_messages

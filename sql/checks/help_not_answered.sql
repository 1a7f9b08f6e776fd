/* check
job: compliance
severity: medium
principle: opt-outs
rule: policy help_reply_within_minutes; CTIA Messaging Principles
explanation: An inbound HELP or INFO got no outbound reply within the window.
finds: an inbound HELP/INFO with no outbound message to that E.164 number within 60 minutes (inclusive)
binds:
  help_reply_within_minutes: help_reply_within_minutes
scope: changed
*/
-- help_not_answered: an inbound HELP/INFO with no outbound message to that number within
-- help_reply_within_minutes (the first message at or after received_at, matched by E.164).
WITH helps AS (
    SELECT inbound_id, e164, subject, received_at FROM work.scoped_inbound WHERE kind = 'help' AND e164 IS NOT NULL
),
replies AS (  -- messages to numbers that asked for help only: the ASOF join then stays small
    SELECT r.to_e164 AS e164, r.sent_at
    FROM work.message_consent AS r
    SEMI JOIN helps AS h ON h.e164 = r.to_e164
),
first_reply AS (
    SELECT h.inbound_id, h.subject, h.received_at, r.sent_at AS replied_at
    FROM helps AS h
    ASOF LEFT JOIN replies AS r ON r.e164 = h.e164 AND r.sent_at >= h.received_at
)
SELECT 'inbound' AS record_table, inbound_id AS record_id, subject,
       CASE WHEN replied_at IS NULL THEN 'no reply at all'
            ELSE 'first reply ' || round(epoch(replied_at - received_at) / 60) || ' min later' END AS detail
FROM first_reply
WHERE replied_at IS NULL OR replied_at > received_at + to_minutes(CAST($help_reply_within_minutes AS BIGINT))

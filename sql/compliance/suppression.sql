-- The suppression list: keyed hashes of numbers that replied with an opt-out, kept across runs
-- (and, by design, across erasure) so a withdrawn number is never messaged again. An entry is
-- lifted only by a later opt_in event of a contact holding the number (consent given anew).
WITH entries AS (
    SELECT subject, since, reason FROM core.suppression
    UNION ALL
    SELECT subject, received_at, 'inbound opt-out (' || rule || ')'
    FROM work.inbound
    WHERE kind = 'opt_out' AND subject IS NOT NULL AND received_at <= (SELECT started_at FROM work.run)
),
latest AS (
    SELECT subject, max(since) AS since, arg_max(reason, since) AS reason FROM entries GROUP BY subject
),
opted_in_again AS (
    SELECT DISTINCT l.subject
    FROM latest AS l
    JOIN work.contacts AS c ON c.subject = l.subject
    JOIN staging.consents AS e ON e.contact_id = c.contact_id AND e.action = 'opt_in' AND e.occurred_at > l.since
)
SELECT subject, since, reason
FROM latest
ANTI JOIN opted_in_again USING (subject)

-- Each inbound opt-out, with when it was recorded as an opt_out consent event: for every contact
-- holding the number, the first opt_out event at or after received_at (ASOF: the nearest one).
WITH opt_outs AS (
    SELECT i.inbound_id, i.subject, i.received_at, c.contact_id
    FROM work.inbound AS i
    JOIN work.contacts AS c ON c.e164 = i.e164
    WHERE i.kind = 'opt_out'
),
recorded_events AS (
    SELECT contact_id, occurred_at FROM staging.consents WHERE action = 'opt_out'
),
per_contact AS (
    SELECT o.inbound_id, o.subject, o.received_at, o.contact_id, e.occurred_at AS recorded_at
    FROM opt_outs AS o
    ASOF LEFT JOIN recorded_events AS e ON e.contact_id = o.contact_id AND e.occurred_at >= o.received_at
)
SELECT
    inbound_id,
    any_value(subject) AS subject,
    any_value(received_at) AS received_at,
    count(*) AS contacts,
    count(*) FILTER (WHERE recorded_at IS NULL) AS contacts_unrecorded,
    max(recorded_at) AS last_recorded_at
FROM per_contact
GROUP BY inbound_id

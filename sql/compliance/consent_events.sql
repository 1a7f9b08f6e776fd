-- Every consent event, one row per contact, purpose and instant (an opt-out at the same instant
-- as an opt-in wins). An inbound opt-out from the contact's number withdraws every purpose at
-- received_at: it becomes an event for the purpose '*', which covers every purpose.
SELECT contact_id, purpose, occurred_at, bool_or(withdrawn) AS withdrawn
FROM (
    SELECT contact_id, purpose, occurred_at, action = 'opt_out' AS withdrawn
    FROM staging.consents
    UNION ALL
    SELECT c.contact_id, '*', i.received_at, true
    FROM work.inbound AS i
    JOIN work.contacts AS c ON c.e164 = i.e164
    WHERE i.kind = 'opt_out'
)
GROUP BY ALL

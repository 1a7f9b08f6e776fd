-- One row per message: does its purpose need consent, and what did the contact's consent look
-- like at sent_at? Consent state for a purpose at t is the latest event of work.consent_events
-- at or before t for the purpose, an ancestor of it, or '*' (inbound opt-outs); at the same
-- instant an opt-out wins. Written as equi-joins (ASOF on time) so it runs over the whole
-- message log at once.
WITH opt_ins AS (
    SELECT contact_id, occurred_at FROM staging.consents WHERE action = 'opt_in'
),
first_opt_in_any AS (
    SELECT contact_id, min(occurred_at) AS first_opt_in_at FROM opt_ins GROUP BY contact_id
),
latest_opt_in_at_send AS (
    SELECT m.message_id, o.occurred_at AS latest_opt_in_at
    FROM staging.messages AS m
    ASOF JOIN opt_ins AS o ON o.contact_id = m.contact_id AND o.occurred_at <= m.sent_at
),
first_opt_in_per_purpose AS (
    SELECT contact_id, purpose, min(occurred_at) AS first_opt_in_at
    FROM staging.consents
    WHERE action = 'opt_in'
    GROUP BY ALL
),
message_purposes AS (
    -- The message's purpose and each of its ancestors.
    SELECT message_id, contact_id, sent_at, unnest(list_append(purpose_ancestors(purpose), '*')) AS covering_purpose
    FROM staging.messages
),
latest_event_per_purpose AS (
    SELECT p.message_id, e.occurred_at, e.withdrawn, e.purpose
    FROM message_purposes AS p
    ASOF JOIN work.consent_events AS e
        ON e.contact_id = p.contact_id AND e.purpose = p.covering_purpose AND e.occurred_at <= p.sent_at
),
state_at_send AS (
    -- Latest event over all covering purposes; at equal times withdrawn (true) sorts last and wins.
    SELECT message_id, arg_max({'withdrawn': withdrawn, 'purpose': purpose}, (occurred_at, withdrawn)) AS latest
    FROM latest_event_per_purpose
    GROUP BY message_id
),
purpose_opt_in AS (
    SELECT p.message_id, min(f.first_opt_in_at) AS first_opt_in_at
    FROM message_purposes AS p
    JOIN first_opt_in_per_purpose AS f
        ON f.contact_id = p.contact_id AND f.purpose = p.covering_purpose
    GROUP BY p.message_id
),
purpose_rule AS (
    -- The nearest listed ancestor decides whether consent is needed; unlisted purposes need it.
    SELECT p.message_id, arg_max(r.consent_required, length(r.name)) AS consent_required
    FROM message_purposes AS p
    JOIN work.policy_purposes AS r ON r.name = p.covering_purpose
    GROUP BY p.message_id
)
SELECT
    m.message_id,
    m.contact_id,
    hash(coalesce(m.body, '')) AS body_hash,
    m.purpose,
    m.sent_at,
    coalesce(r.consent_required, true) AS consent_required,
    coalesce(a.first_opt_in_at <= m.sent_at, false) AS opted_in_before,
    coalesce(o.first_opt_in_at <= m.sent_at, false) AS purpose_opted_in_before,
    coalesce(s.latest.withdrawn, false) AS withdrawn_at_send,
    s.latest.withdrawn AND s.latest.purpose = '*' AS withdrawn_by_inbound,
    l.latest_opt_in_at,
    sc.created_at AS contact_created_at,
    n.e164 AS to_e164,
    n.region AS to_region,
    -- Local time is the number's: the number messages went to, else the contact's number.
    coalesce(nullif(n.time_zones, []), c.time_zones) AS time_zones,
    coalesce(n.subject, c.subject) AS subject
FROM staging.messages AS m
LEFT JOIN purpose_rule AS r USING (message_id)
LEFT JOIN first_opt_in_any AS a USING (contact_id)
LEFT JOIN purpose_opt_in AS o USING (message_id)
LEFT JOIN state_at_send AS s USING (message_id)
LEFT JOIN latest_opt_in_at_send AS l USING (message_id)
LEFT JOIN staging.contacts AS sc USING (contact_id)
LEFT JOIN work.contacts AS c USING (contact_id)
LEFT JOIN cache.numbers AS n
    ON n.raw IS NOT DISTINCT FROM m.to_phone AND n.default_region IS NOT DISTINCT FROM sc.country

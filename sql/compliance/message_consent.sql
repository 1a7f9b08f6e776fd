-- One row per message: does its purpose need consent, and what did the contact's consent look
-- like at sent_at? Consent state for a purpose at t is the latest event of work.consent_events at
-- or before t for the purpose, an ancestor of it, or '*' (inbound opt-outs); at the same instant
-- an opt-out wins.
-- For scale: events are laid out per contact and distinct message purpose (a handful), each row
-- carrying everything that holds from that instant until the next, so one equi-join with a range
-- filter over the message log answers every question (no sort of the log, unlike ASOF); joins use
-- 64-bit hash keys, and rows stay narrow (no bodies or subjects; time zones by key) since there
-- is one per message.
WITH messages AS (
    SELECT
        message_id, contact_id, hash(contact_id) AS contact_key, purpose, sent_at,
        hash(coalesce(body, '')) AS body_hash, to_phone
    FROM work.scoped_messages
),
message_purposes AS (
    SELECT DISTINCT purpose FROM work.scoped_messages
),
covering AS (
    SELECT purpose AS message_purpose, unnest(list_append(purpose_ancestors(purpose), '*')) AS event_purpose
    FROM message_purposes
),
rules AS (
    -- The nearest listed ancestor decides whether consent is needed; unlisted purposes need it.
    SELECT c.message_purpose, arg_max(r.consent_required, length(r.name)) AS consent_required
    FROM covering AS c
    JOIN work.policy_purposes AS r ON r.name = c.event_purpose
    GROUP BY c.message_purpose
),
stream AS (
    -- Every event of a contact, once per message purpose: covering events move the consent
    -- state; opt-ins to other purposes only count as "opted in to something".
    SELECT
        hash(e.contact_id) AS contact_key, p.purpose AS message_purpose, e.occurred_at,
        bool_or(e.withdrawn) FILTER (WHERE c.event_purpose IS NOT NULL) AS state_withdrawn,
        bool_or(e.withdrawn AND e.purpose = '*') FILTER (WHERE c.event_purpose IS NOT NULL) AS state_by_inbound,
        bool_or(c.event_purpose IS NOT NULL AND NOT e.withdrawn) AS purpose_opt_in,
        bool_or(NOT e.withdrawn) AS any_opt_in
    FROM work.consent_events AS e
    CROSS JOIN message_purposes AS p
    LEFT JOIN covering AS c ON c.message_purpose = p.purpose AND c.event_purpose = e.purpose
    WHERE c.event_purpose IS NOT NULL OR NOT e.withdrawn
    GROUP BY ALL
),
facts AS (
    -- What holds from each instant until the next: the range join below answers every question per message.
    SELECT
        contact_key, message_purpose, occurred_at,
        last_value(state_withdrawn IGNORE NULLS) OVER history AS withdrawn,
        last_value(CASE WHEN state_withdrawn IS NOT NULL THEN state_by_inbound END IGNORE NULLS) OVER history
            AS by_inbound,
        bool_or(purpose_opt_in) OVER history AS purpose_opted_in,
        max(CASE WHEN any_opt_in THEN occurred_at END) OVER history AS latest_opt_in_at,
        coalesce(min(occurred_at) OVER (
            PARTITION BY contact_key, message_purpose ORDER BY occurred_at
            RANGE BETWEEN INTERVAL 1 MICROSECOND FOLLOWING AND UNBOUNDED FOLLOWING
        ), 'infinity'::TIMESTAMPTZ) AS holds_until
    FROM stream
    WINDOW history AS (PARTITION BY contact_key, message_purpose ORDER BY occurred_at)
),
contacts AS (
    SELECT hash(contact_id) AS contact_key, country FROM staging.contacts
),
numbers AS (
    SELECT hash(raw, default_region) AS number_key, e164, region, hash(time_zones) AS zones_key FROM cache.numbers
)
SELECT
    m.message_id,
    m.contact_id,
    m.purpose,
    m.sent_at,
    m.body_hash,
    coalesce(r.consent_required, true) AS consent_required,
    f.latest_opt_in_at IS NOT NULL AS opted_in_before,
    coalesce(f.purpose_opted_in, false) AS purpose_opted_in_before,
    coalesce(f.withdrawn, false) AS withdrawn_at_send,
    coalesce(f.withdrawn AND f.by_inbound, false) AS withdrawn_by_inbound,
    f.latest_opt_in_at,
    n.e164 AS to_e164,
    n.region AS to_region,
    n.zones_key
FROM messages AS m
LEFT JOIN rules AS r ON r.message_purpose = m.purpose
LEFT JOIN facts AS f
    ON f.contact_key = m.contact_key AND f.message_purpose = m.purpose
    AND f.occurred_at <= m.sent_at AND m.sent_at < f.holds_until
LEFT JOIN contacts AS c ON c.contact_key = m.contact_key
LEFT JOIN numbers AS n ON n.number_key = hash(m.to_phone, c.country)

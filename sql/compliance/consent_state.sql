-- Consent now (the run's start) of each contact for each purpose the policy lists: the latest
-- event for the purpose, an ancestor of it, or '*'. Contacts with no such event have no row.
WITH covering AS (
    SELECT name AS purpose, unnest(list_append(purpose_ancestors(name), '*')) AS covering_purpose
    FROM work.policy_purposes
)
SELECT
    e.contact_id,
    c.purpose,
    -- Latest event wins; at the same instant the opt-out (an integer key: faster than a struct).
    CASE WHEN arg_max(e.withdrawn, epoch_us(e.occurred_at) * 2 + CAST(e.withdrawn AS INTEGER)) THEN 'opt_out' ELSE 'opt_in' END AS state,
    max(e.occurred_at) AS since
FROM work.consent_events AS e
JOIN covering AS c ON c.covering_purpose = e.purpose
WHERE e.occurred_at <= (SELECT started_at FROM work.run)
GROUP BY ALL

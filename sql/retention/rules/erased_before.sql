-- erased_before: a contact, or a reply from before the erasure, of a number erased on request that
-- came back from the source (which still held it) without a new opt-in since. Due at the erasure.
WITH erased AS (
    SELECT subject, since FROM core.suppression WHERE reason = 'retention: erasure_request'
),
opted_in_since AS (
    SELECT DISTINCT c.contact_id
    FROM work.contacts AS c
    JOIN erased AS x ON x.subject = c.subject
    JOIN staging.consents AS e ON e.contact_id = c.contact_id AND e.action = 'opt_in' AND e.occurred_at > x.since
)
SELECT 'contacts' AS record_table, c.contact_id AS record_id, c.subject, x.since AS deadline
FROM work.contacts AS c
JOIN erased AS x ON x.subject = c.subject
ANTI JOIN opted_in_since AS o ON o.contact_id = c.contact_id
UNION ALL
SELECT 'inbound', i.inbound_id, i.subject, x.since
FROM work.inbound AS i
JOIN erased AS x ON x.subject = i.subject
WHERE i.received_at <= x.since

-- inactive: a contact with no activity for inactive_days. Its last activity is the latest of
-- last_activity_at, created_at, its consent events and the replies from its number (up to the
-- run's start): last_activity_at is optional, and a reply or a new consent is activity.
WITH consent_activity AS (
    SELECT e.contact_id, max(e.occurred_at) AS at
    FROM staging.consents AS e, work.retention_settings AS s
    WHERE e.occurred_at <= s.as_of
    GROUP BY e.contact_id
),
reply_activity AS (
    SELECT i.subject, max(i.received_at) AS at
    FROM work.inbound AS i, work.retention_settings AS s
    WHERE i.subject IS NOT NULL AND i.received_at <= s.as_of
    GROUP BY i.subject
)
SELECT 'contacts' AS record_table, c.contact_id AS record_id, c.subject,
       greatest(c.last_activity_at, c.created_at, e.at, r.at) + to_days(s.inactive_days) AS deadline
FROM work.contacts AS c
LEFT JOIN consent_activity AS e ON e.contact_id = c.contact_id
LEFT JOIN reply_activity AS r ON r.subject = c.subject
CROSS JOIN work.retention_settings AS s
WHERE greatest(c.last_activity_at, c.created_at, e.at, r.at) + to_days(s.inactive_days) <= s.as_of

-- no_opt_in: a contact that never opted in to anything, no_opt_in_days after created_at.
WITH opted_in AS (
    SELECT DISTINCT e.contact_id
    FROM staging.consents AS e, work.retention_settings AS s
    WHERE e.action = 'opt_in' AND e.occurred_at <= s.as_of
)
SELECT 'contacts' AS record_table, c.contact_id AS record_id, c.subject,
       c.created_at + to_days(s.no_opt_in_days) AS deadline
FROM work.contacts AS c
ANTI JOIN opted_in AS o ON o.contact_id = c.contact_id
CROSS JOIN work.retention_settings AS s
WHERE c.created_at + to_days(s.no_opt_in_days) <= s.as_of

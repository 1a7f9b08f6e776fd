-- inactive: a contact with no activity for inactive_days (last_activity_at; created_at when absent).
SELECT 'contacts' AS record_table, c.contact_id AS record_id, c.subject,
       coalesce(c.last_activity_at, c.created_at) + to_days(s.inactive_days) AS deadline
FROM work.contacts AS c, work.retention_settings AS s
WHERE coalesce(c.last_activity_at, c.created_at) + to_days(s.inactive_days) <= s.as_of

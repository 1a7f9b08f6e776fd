-- messages_expired: a message messages_days after sent_at.
SELECT 'messages' AS record_table, m.message_id AS record_id, c.subject,
       m.sent_at + to_days(s.messages_days) AS deadline
FROM staging.messages AS m
LEFT JOIN work.contacts AS c ON c.contact_id = m.contact_id
CROSS JOIN work.retention_settings AS s
WHERE m.sent_at + to_days(s.messages_days) <= s.as_of

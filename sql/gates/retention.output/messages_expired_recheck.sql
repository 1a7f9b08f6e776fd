-- messages_expired would delete a message younger than messages_days
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT d.record_id FROM (SELECT * FROM {batch}) AS d JOIN staging.messages AS m ON m.message_id = d.record_id CROSS JOIN work.retention_settings AS s WHERE d.rule = 'messages_expired' AND m.sent_at + to_days(s.messages_days) > s.as_of

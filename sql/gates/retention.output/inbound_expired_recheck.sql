-- inbound_expired would delete an inbound message younger than inbound_days
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT d.record_id FROM (SELECT * FROM {batch}) AS d JOIN work.inbound AS i ON i.inbound_id = d.record_id CROSS JOIN work.retention_settings AS s WHERE d.rule = 'inbound_expired' AND i.received_at + to_days(s.inbound_days) > s.as_of

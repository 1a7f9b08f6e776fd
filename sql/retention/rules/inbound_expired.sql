-- inbound_expired: an inbound message inbound_days after received_at.
SELECT 'inbound' AS record_table, i.inbound_id AS record_id, i.subject,
       i.received_at + to_days(s.inbound_days) AS deadline
FROM work.inbound AS i, work.retention_settings AS s
WHERE i.received_at + to_days(s.inbound_days) <= s.as_of

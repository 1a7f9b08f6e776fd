-- no_opt_in would delete a contact that opted in or is not yet no_opt_in_days old
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT d.record_id FROM (SELECT * FROM {batch}) AS d JOIN work.contacts AS c ON c.contact_id = d.record_id CROSS JOIN work.retention_settings AS s WHERE d.rule = 'no_opt_in' AND (c.created_at + to_days(s.no_opt_in_days) > s.as_of OR d.record_id IN (SELECT contact_id FROM staging.consents WHERE action = 'opt_in' AND occurred_at <= s.as_of))

-- withdrawn would delete a contact that still has a consent, or withdrew less than withdrawn_days ago
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT d.record_id FROM (SELECT * FROM {batch}) AS d CROSS JOIN work.retention_settings AS s LEFT JOIN (SELECT contact_id, bool_or(state = 'opt_in') AS consented, max(since) AS last_change FROM work.consent_state GROUP BY contact_id) AS st ON st.contact_id = d.record_id WHERE d.rule = 'withdrawn' AND (st.contact_id IS NULL OR st.consented OR st.last_change + to_days(s.withdrawn_days) > s.as_of)

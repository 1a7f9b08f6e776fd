-- consent evidence would be deleted before consent_proof_years after the contact's deletion and the event
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT d.record_id FROM (SELECT * FROM {batch}) AS d JOIN core.consent_proof AS p ON p.event_id = d.record_id CROSS JOIN work.retention_settings AS s WHERE d.rule = 'consent_proof_expired' AND greatest(p.contact_deleted_at, p.occurred_at) + to_years(s.consent_proof_years) > s.as_of

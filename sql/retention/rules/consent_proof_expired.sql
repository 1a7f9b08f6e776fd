-- consent_proof_expired: a consent event of a deleted contact, consent_proof_years after the
-- contact's deletion or the event, whichever is later.
SELECT 'consents' AS record_table, p.event_id AS record_id, p.subject,
       greatest(p.contact_deleted_at, p.occurred_at) + to_years(s.consent_proof_years) AS deadline
FROM core.consent_proof AS p, work.retention_settings AS s
WHERE greatest(p.contact_deleted_at, p.occurred_at) + to_years(s.consent_proof_years) <= s.as_of

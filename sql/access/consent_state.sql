SELECT * FROM core.consent_state WHERE list_contains($contact_ids, contact_id) ORDER BY contact_id, purpose

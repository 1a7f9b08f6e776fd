SELECT * EXCLUDE (contact_key) FROM core.consent_proof
WHERE subject = $subject OR list_contains($contact_keys, contact_key)
ORDER BY occurred_at, event_id

SELECT * FROM staging.consents WHERE list_contains($contact_ids, contact_id) ORDER BY occurred_at, event_id

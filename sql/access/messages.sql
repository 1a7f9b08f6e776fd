SELECT * FROM staging.messages WHERE list_contains($contact_ids, contact_id) ORDER BY sent_at, message_id

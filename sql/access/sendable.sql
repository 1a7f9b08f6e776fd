SELECT purpose, contact_id FROM core.sendable WHERE list_contains($contact_ids, contact_id) ORDER BY purpose, contact_id

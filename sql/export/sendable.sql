SELECT contact_id, e164 FROM core.sendable WHERE purpose = $purpose ORDER BY contact_id

-- The contact an erasure request names by the keyed hash of its id.
SELECT contact_id FROM work.contacts WHERE contact_key(contact_id) = $contact_key

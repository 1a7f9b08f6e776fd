SELECT contact_id FROM work.contacts

SELECT contact_id FROM work.erased_contacts

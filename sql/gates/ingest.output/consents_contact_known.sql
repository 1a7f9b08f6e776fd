-- consent events of a contact_id that is not in contacts
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT event_id FROM {batch} AS e ANTI JOIN staging.contacts AS c USING (contact_id)

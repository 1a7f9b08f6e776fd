-- messages to a contact_id that is not in contacts
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT message_id FROM {batch} AS m ANTI JOIN staging.contacts AS c USING (contact_id)

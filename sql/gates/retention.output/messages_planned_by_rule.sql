-- the plan deletes a message that is neither due nor a deleted contact's
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT p.record_id FROM (SELECT * FROM {batch}) AS p JOIN staging.messages AS m ON m.message_id = p.record_id WHERE p.table_name = 'messages' AND p.record_id NOT IN (SELECT record_id FROM work.retention_due WHERE record_table = 'messages') AND m.contact_id NOT IN (SELECT record_id FROM work.retention_due WHERE record_table = 'contacts')

-- the plan deletes an inbound message that is not due and whose number a kept contact holds
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT p.record_id FROM (SELECT * FROM {batch}) AS p JOIN work.inbound AS i ON i.inbound_id = p.record_id WHERE p.table_name = 'inbound' AND p.record_id NOT IN (SELECT record_id FROM work.retention_due WHERE record_table = 'inbound') AND i.subject IN (SELECT c.subject FROM work.contacts AS c WHERE c.contact_id NOT IN (SELECT record_id FROM work.retention_due WHERE record_table = 'contacts'))

-- the plan deletes a contact that no rule selects
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT p.record_id FROM (SELECT * FROM {batch}) AS p WHERE p.table_name = 'contacts' AND p.record_id NOT IN (SELECT record_id FROM work.retention_due WHERE record_table = 'contacts')

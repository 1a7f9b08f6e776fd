-- consent evidence of a deleted contact would not be kept as proof
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT p.record_id FROM (SELECT * FROM {batch}) AS p WHERE p.table_name = 'consents' AND p.action <> 'keep as proof' UNION ALL SELECT NULL FROM (SELECT count(*) AS events FROM staging.consents WHERE contact_id IN (SELECT record_id FROM work.retention_due WHERE record_table = 'contacts')) WHERE events <> (SELECT count(*) FROM {batch} WHERE table_name = 'consents' AND action = 'keep as proof')

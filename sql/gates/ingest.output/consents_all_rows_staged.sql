-- not every row read from the source reached staging
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT i.table_name FROM work.inputs AS i JOIN work.deliveries AS d USING (table_name)
WHERE i.table_name = 'consents' AND i.rows <> d.staged

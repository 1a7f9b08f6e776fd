-- not every row read from the source reached staging
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT table_name FROM work.inputs WHERE table_name = 'consents' AND rows <> (SELECT count(*) FROM {batch})

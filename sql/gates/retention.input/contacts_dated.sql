-- a contact without created_at: the retention rules cannot date it
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT NULL FROM {batch} WHERE created_at IS NULL

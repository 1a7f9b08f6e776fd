-- a consent event without occurred_at: its proof period cannot be dated
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT NULL FROM {batch} WHERE occurred_at IS NULL

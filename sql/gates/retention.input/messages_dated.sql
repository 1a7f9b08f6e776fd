-- a message without sent_at: messages_expired cannot date it
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT NULL FROM {batch} WHERE sent_at IS NULL

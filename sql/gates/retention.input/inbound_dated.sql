-- an inbound message without received_at: inbound_expired cannot date it
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT NULL FROM {batch} WHERE received_at IS NULL

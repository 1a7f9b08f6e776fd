-- the share of valid numbers fell by more than accuracy.max_valid_share_drop since the previous run: check the upstream export
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT valid_share_drop FROM {batch} WHERE valid_share_drop > max_valid_share_drop

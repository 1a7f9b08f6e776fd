-- the plan deletes more than the policy's retention.max_deletion_share of the table: refused (re-run with --allow-large-deletion if that is intended)
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT table_name FROM {batch} WHERE share > max_deletion_share AND NOT allow_large_deletion

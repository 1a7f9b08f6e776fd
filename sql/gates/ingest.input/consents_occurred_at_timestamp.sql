-- occurred_at is not an ISO 8601 timestamp (a date, or date and time with seconds, and Z or an offset up to 14 h)
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT _row FROM {batch} WHERE occurred_at IS NOT NULL AND iso_timestamp(occurred_at) IS NULL

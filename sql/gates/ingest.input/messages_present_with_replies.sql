-- messages holds no rows and none were delivered before, but inbound holds replies: a message log that lost its rows (every HELP would be unanswered)
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT NULL FROM (SELECT count(*) AS n FROM {batch}) WHERE n = 0 AND EXISTS (SELECT 1 FROM landing.inbound) AND NOT EXISTS (SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'staging' AND table_name = 'messages' AND estimated_size > 0)

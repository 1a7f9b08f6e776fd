-- inbound holds no rows, but the warehouse holds inbound from earlier runs: a broken export (a snapshot is delivered whole)
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT NULL FROM (SELECT count(*) AS n FROM {batch}) WHERE n = 0 AND (SELECT policy->>'$.delivery.inbound' FROM work.run) = 'snapshot' AND EXISTS (SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'staging' AND table_name = 'inbound' AND estimated_size > 0)

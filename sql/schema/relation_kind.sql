SELECT kind FROM (
    SELECT 'table' AS kind, database_name, schema_name, table_name AS name FROM duckdb_tables()
    UNION ALL
    SELECT 'view', database_name, schema_name, view_name FROM duckdb_views()
)
WHERE database_name = $catalog AND schema_name = $schema AND name = $name

-- <column> is not an ISO 8601 timestamp: one query for every timestamp column of the data contract,
-- {column} replaced by the column's name as the contract declares it (meta.column).
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT _row FROM {batch} WHERE {column} IS NOT NULL AND iso_timestamp({column}) IS NULL

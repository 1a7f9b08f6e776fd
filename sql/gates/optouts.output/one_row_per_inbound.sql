-- not one row per inbound message
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT n FROM (SELECT count(*) AS n FROM {batch}) WHERE n <> (SELECT count(*) FROM staging.inbound)

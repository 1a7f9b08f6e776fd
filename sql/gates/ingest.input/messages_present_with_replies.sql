-- messages holds no rows, but inbound holds replies: a message log that lost its rows (every HELP would be unanswered)
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT NULL FROM (SELECT count(*) AS n FROM {batch}) WHERE n = 0 AND EXISTS (SELECT 1 FROM landing.inbound)

-- not one row per contact
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT contact_id FROM {batch} GROUP BY contact_id HAVING count(*) > 1 UNION ALL SELECT NULL FROM (SELECT count(*) AS n FROM {batch}) WHERE n <> (SELECT count(*) FROM staging.contacts)

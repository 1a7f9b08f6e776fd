-- a sendable contact without a valid E.164
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT contact_id FROM {batch} WHERE e164 IS NULL OR NOT regexp_full_match(e164, '\+[1-9][0-9]{{5,18}}')

-- e164 is not in E.164 form
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT contact_id FROM {batch} WHERE e164 IS NOT NULL AND NOT regexp_full_match(e164, '\+[1-9][0-9]{{5,18}}')

-- subject is not a keyed hash
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT record_id FROM {batch} WHERE subject IS NOT NULL AND NOT regexp_full_match(subject, '[0-9a-f]{{64}}')

-- subject is missing or not a keyed hash
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT inbound_id FROM {batch} WHERE subject IS NULL OR NOT regexp_full_match(subject, '[0-9a-f]{{64}}')

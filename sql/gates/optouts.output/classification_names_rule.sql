-- a classified message that does not name the rule that matched
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT inbound_id FROM {batch} WHERE kind <> 'other' AND rule IS NULL

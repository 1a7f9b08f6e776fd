-- inbound numbers the accuracy job has not parsed: run accuracy first
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT inbound_id FROM {batch} AS i ANTI JOIN cache.numbers AS n ON n.raw IS NOT DISTINCT FROM i.from_phone AND n.default_region IS NULL

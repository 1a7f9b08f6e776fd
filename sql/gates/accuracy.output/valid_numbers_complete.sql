-- validity unknown, or a valid number without E.164, line type or region
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT contact_id FROM {batch} WHERE is_valid IS NULL OR (is_valid AND (e164 IS NULL OR line_type IS NULL OR region IS NULL))

-- a suppressed number in the sendable audience
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT s.contact_id FROM {batch} AS s JOIN work.suppression AS x USING (subject)

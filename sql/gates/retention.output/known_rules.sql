-- a record is due under a rule the policy does not have
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT d.record_id FROM (SELECT * FROM {batch}) AS d ANTI JOIN work.retention_rules AS r ON r.name = d.rule

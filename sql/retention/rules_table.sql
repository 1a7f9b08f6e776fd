-- The retention rules (listwarden/retention_rules.py), one row each: the SQL that treats rules
-- differently joins this table rather than naming them, and the retention.output gate refuses a
-- record due under a rule that has no row here.
CREATE OR REPLACE TABLE work.retention_rules AS
SELECT unnest($rules, recursive := true)

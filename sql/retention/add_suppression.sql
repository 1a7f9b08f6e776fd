-- Numbers withdrawn or erased stay on the suppression list as keyed hashes.
INSERT INTO core.suppression
SELECT p.record_id, s.as_of, 'retention: ' || p.rule
FROM work.deletion_plan AS p, work.retention_settings AS s
WHERE p.table_name = 'suppression'

-- A few findings per check: record ids and subject hashes only.
SELECT "check", record_table, record_id, subject, detail
FROM work.report_violations
QUALIFY row_number() OVER (PARTITION BY "check" ORDER BY record_table, record_id) <= $per_check
ORDER BY "check", record_table, record_id

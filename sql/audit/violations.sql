SELECT run_id, "check", severity, record_table, record_id, subject, detail, rule
FROM audit.violations
WHERE run_id = $run_id
ORDER BY "check", record_table, record_id

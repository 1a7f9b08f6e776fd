-- A run's findings of one status: open (they held in the run), new (it opened them) or closed (it closed them).
SELECT run_id AS opened_run, "check", severity, record_table, record_id, subject, detail, rule
FROM findings_of_run($run_id, $status)
ORDER BY "check", record_table, record_id

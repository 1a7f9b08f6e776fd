SELECT phase, rule, table_name, action, rows, len(subjects) AS subjects, outcome, recorded_at
FROM work.report_deletions
ORDER BY recorded_at, phase, rule NULLS FIRST, table_name

-- Plan and apply rows are written in one transaction (the same recorded_at): order by phase.
SELECT phase, rule, table_name, action, rows, subjects, outcome, recorded_at
FROM work.report_deletions
ORDER BY recorded_at,
         CASE phase WHEN 'plan' THEN 1 WHEN 'apply' THEN 2 WHEN 'files' THEN 3 WHEN 'compact' THEN 4 ELSE 5 END,
         rule NULLS FIRST, table_name

SELECT "check", count(*) AS findings
FROM work.report_violations
GROUP BY "check"

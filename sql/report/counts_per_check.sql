-- Per check: findings that held in the run (`findings`), those the run opened, and those it closed.
WITH still_open AS (
    SELECT "check", count(*) AS findings, count(*) FILTER (WHERE run_id = $run_id) AS new
    FROM work.report_violations
    GROUP BY "check"
),
closed AS (
    SELECT "check", count(*) AS closed FROM work.report_finding_closures GROUP BY "check"
)
SELECT "check", coalesce(o.findings, 0) AS findings, coalesce(o.new, 0) AS new, coalesce(c.closed, 0) AS closed
FROM still_open AS o
FULL JOIN closed AS c USING ("check")

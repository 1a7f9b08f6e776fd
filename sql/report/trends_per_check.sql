-- Findings per check in each of the last 30 published runs up to the reported one.
WITH shown AS (
    SELECT run_id, finished_at
    FROM audit.runs
    WHERE finished_at <= (SELECT finished_at FROM audit.runs WHERE run_id = $run_id)
    ORDER BY finished_at DESC
    LIMIT 30
)
SELECT v.run_id, v."check", count(*) AS findings
FROM audit.violations AS v
SEMI JOIN shown AS s ON s.run_id = v.run_id
GROUP BY ALL
ORDER BY ALL

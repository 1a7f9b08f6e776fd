-- Findings per check in each run of the trends.
SELECT v.run_id, v."check", count(*) AS findings
FROM audit.violations AS v
SEMI JOIN trend_runs($run_id) AS s ON s.run_id = v.run_id
GROUP BY ALL
ORDER BY ALL

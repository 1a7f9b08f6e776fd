-- Findings per check that held in each run of the trends.
SELECT s.run_id, f."check", count(*) AS findings
FROM trend_runs($run_id) AS s
JOIN finding_spans() AS f ON finding_held(f.opened_at, f.closed_at, f.closed_because, s.finished_at)
GROUP BY ALL
ORDER BY ALL

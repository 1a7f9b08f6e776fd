-- Per run of the trends: findings (all, critical or high), list size and valid share, opt-outs.
WITH shown AS (
    SELECT * FROM trend_runs($run_id)
),
findings AS (  -- that held in each run
    SELECT s.run_id, count(*) AS findings, count(*) FILTER (WHERE f.severity IN ('critical', 'high')) AS serious
    FROM shown AS s
    JOIN finding_spans() AS f ON finding_held(f.opened_at, f.closed_at, f.closed_because, s.finished_at)
    GROUP BY s.run_id
)
SELECT
    s.run_id,
    s.finished_at,
    coalesce(f.findings, 0) AS findings,
    coalesce(f.serious, 0) AS serious,
    a.contacts,
    a.valid_share,
    m.value AS opt_outs
FROM shown AS s
LEFT JOIN findings AS f USING (run_id)
LEFT JOIN audit.accuracy AS a USING (run_id)
LEFT JOIN audit.metrics AS m ON m.run_id = s.run_id AND m.section = 'inbound' AND m.name = 'opt_out'
ORDER BY s.finished_at, s.run_id

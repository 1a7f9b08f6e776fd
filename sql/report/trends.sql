-- The last 30 published runs up to the reported one (so a report rebuilt later is the same):
-- findings (all, critical or high), list size and valid share, opt-outs received.
WITH shown AS (
    SELECT run_id, finished_at
    FROM audit.runs
    WHERE finished_at <= (SELECT finished_at FROM audit.runs WHERE run_id = $run_id)
    ORDER BY finished_at DESC
    LIMIT 30
),
findings AS (
    SELECT run_id, count(*) AS findings, count(*) FILTER (WHERE severity IN ('critical', 'high')) AS serious
    FROM audit.violations
    WHERE run_id IN (SELECT run_id FROM shown)
    GROUP BY run_id
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

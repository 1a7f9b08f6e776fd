-- The chain head: the last sealed audit row, of the whole trail or of one run ($run_id).
SELECT seq, chain_sha256
FROM (
    SELECT run_id, seq, chain_sha256 FROM audit.runs
    UNION ALL
    SELECT run_id, seq, chain_sha256 FROM audit.steps
    UNION ALL
    SELECT run_id, seq, chain_sha256 FROM audit.gate_results
    UNION ALL
    SELECT run_id, seq, chain_sha256 FROM audit.accuracy
    UNION ALL
    SELECT run_id, seq, chain_sha256 FROM audit.metrics
    UNION ALL
    SELECT run_id, seq, chain_sha256 FROM audit.review_queue
    UNION ALL
    SELECT run_id, seq, chain_sha256 FROM audit.violations
    UNION ALL
    SELECT run_id, seq, chain_sha256 FROM audit.deletions
)
WHERE seq IS NOT NULL AND ($run_id IS NULL OR run_id = $run_id)
ORDER BY seq DESC
LIMIT 1

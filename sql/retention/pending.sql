-- Runs whose deletions are applied but whose compaction has not been recorded yet.
SELECT DISTINCT run_id
FROM audit.deletions
WHERE phase = 'apply'
  AND run_id NOT IN (SELECT run_id FROM audit.deletions WHERE phase = 'compact')
ORDER BY run_id

-- Runs whose deletions are applied but not yet verified (compaction and verification follow).
SELECT DISTINCT run_id
FROM audit.deletions
WHERE phase = 'apply'
  AND run_id NOT IN (SELECT run_id FROM audit.deletions WHERE phase = 'verify')
ORDER BY run_id

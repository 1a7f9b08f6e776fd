-- The chain head: the last linked block, of the whole trail or of one run ($run_id).
SELECT last_seq, chain_sha256
FROM audit.chain
WHERE chain_sha256 IS NOT NULL AND ($run_id IS NULL OR run_id = $run_id)
ORDER BY last_seq DESC
LIMIT 1

-- Blocks a sealing has just written, in chain order: listwarden/audit.py links them.
SELECT table_name, run_id, first_seq, last_seq, rows, digest
FROM audit.chain
WHERE chain_sha256 IS NULL
ORDER BY first_seq

-- Every block of the chain, in order, for verification.
SELECT table_name, run_id, first_seq, last_seq, rows, digest, chain_sha256
FROM audit.chain
ORDER BY first_seq

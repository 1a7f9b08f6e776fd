-- new_links (first_seq, chain_sha256): registered by the caller.
UPDATE audit.chain AS b
SET chain_sha256 = l.chain_sha256
FROM new_links AS l
WHERE b.first_seq = l.first_seq AND b.chain_sha256 IS NULL

SELECT first_seq, last_seq FROM audit.chain ORDER BY first_seq

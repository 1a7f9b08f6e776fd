-- Is a subject key check value stored, and is it the one of the connection's key?
SELECT count(*) > 0, bool_and(check_value = keyed_hash($message)) FROM core.subject_key_check

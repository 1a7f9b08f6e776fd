INSERT INTO core.subject_key_check VALUES (keyed_hash($message))

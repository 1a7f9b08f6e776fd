-- Keyed hash per E.164 (the subject of a valid number), to name the number a message went to.
SELECT e164, any_value(subject) AS subject FROM cache.numbers WHERE e164 IS NOT NULL GROUP BY e164

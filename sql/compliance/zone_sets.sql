-- The distinct time-zone lists of the numbers messages went to (message_consent refers to them by key).
SELECT DISTINCT hash(time_zones) AS zones_key, time_zones FROM cache.numbers

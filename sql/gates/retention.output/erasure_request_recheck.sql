-- an erasure request would delete the contacts of more than one number
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT NULL FROM (SELECT count(DISTINCT subject) AS numbers FROM {batch} WHERE rule = 'erasure_request' AND record_table = 'contacts') WHERE numbers > 1

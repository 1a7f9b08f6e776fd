-- a record is due under a rule the policy does not have
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT d.record_id FROM (SELECT * FROM {batch}) AS d WHERE d.rule NOT IN ('no_opt_in', 'withdrawn', 'inactive', 'messages_expired', 'inbound_expired', 'consent_proof_expired', 'erased_before', 'erasure_request')

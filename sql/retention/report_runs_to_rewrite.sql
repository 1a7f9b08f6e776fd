-- Runs whose reports named a record deleted on an erasure request (erased_values, registered by
-- the caller): they are rendered again.
SELECT value AS run_id FROM erased_values WHERE kind = 'report_run' ORDER BY value

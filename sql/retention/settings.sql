-- The run's retention settings, one row: the gate's expectations and the rules read them here.
-- as_of is the run's start: a record is due when its deadline is at or before it. refusal is set
-- when the plan's gate refused it: the run then publishes the plan and deletes nothing.
CREATE OR REPLACE TABLE work.retention_settings AS
SELECT
    started_at AS as_of,
    $mode AS mode,
    $dry_run AS dry_run,
    unnest($retention),  -- the policy's retention settings, a column each: no_opt_in_days, ...
    $allow_large_deletion AS allow_large_deletion,
    NULL::VARCHAR AS refusal
FROM work.run

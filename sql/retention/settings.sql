-- The run's retention settings, one row: the gate's expectations and the rules read them here.
-- as_of is the run's start: a record is due when its deadline is at or before it. refusal is set
-- when the plan's gate refused it: the run then publishes the plan and deletes nothing.
CREATE OR REPLACE TABLE work.retention_settings AS
SELECT
    started_at AS as_of,
    $mode AS mode,
    $dry_run AS dry_run,
    $no_opt_in_days AS no_opt_in_days,
    $withdrawn_days AS withdrawn_days,
    $inactive_days AS inactive_days,
    $messages_days AS messages_days,
    $inbound_days AS inbound_days,
    $consent_proof_years AS consent_proof_years,
    $overdue_grace_days AS overdue_grace_days,
    $max_deletion_share AS max_deletion_share,
    $allow_large_deletion AS allow_large_deletion,
    NULL::VARCHAR AS refusal
FROM work.run

-- opt_out_deadline_missed: every contact got its opt_out event, but later than the deadline
-- (opt_out.record_within_hours after received_at).
SELECT
    'inbound' AS record_table,
    inbound_id AS record_id,
    subject,
    'recorded ' || round(epoch(last_recorded_at - received_at) / 3600, 1) || ' h after it was received (deadline '
        || $record_within_hours || ' h)' AS detail
FROM work.opt_out_records
WHERE contacts_unrecorded = 0 AND last_recorded_at > received_at + to_hours(CAST($record_within_hours AS BIGINT))

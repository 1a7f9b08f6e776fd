/* check
job: compliance
severity: high
principle: opt-outs
rule: policy opt_out.record_within_hours; 47 CFR 64.1200(a)(10)
explanation: An inbound opt-out was recorded later than the policy's deadline.
finds: an inbound opt-out whose `opt_out` event came more than `opt_out.record_within_hours` (24) later; exactly 24 h is on time
binds:
  record_within_hours: opt_out.record_within_hours
*/
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

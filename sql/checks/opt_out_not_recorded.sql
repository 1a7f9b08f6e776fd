/* check
job: compliance
severity: critical
principle: opt-outs
rule: policy opt_out; GDPR Art. 21(3); CTIA Messaging Principles
explanation: An inbound opt-out was never recorded as an opt_out consent event.
finds: an inbound opt-out with no `opt_out` event at or after `received_at` for every contact holding that number (any purpose)
*/
-- opt_out_not_recorded: an inbound opt-out that some contact holding the number never got an
-- opt_out consent event for (at or after received_at).
SELECT
    'inbound' AS record_table,
    inbound_id AS record_id,
    subject,
    contacts_unrecorded || ' of ' || contacts || ' contacts with this number have no opt_out event since '
        || strftime(received_at, '%Y-%m-%dT%H:%M:%SZ') AS detail
FROM work.opt_out_records
WHERE contacts_unrecorded > 0

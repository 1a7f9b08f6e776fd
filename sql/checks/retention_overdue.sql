/* check
job: retention
severity: high
principle: retention
rule: policy retention; GDPR Art. 5(1)(e)
explanation: A record kept more than the grace period past its retention deadline.
finds: a contact, message, inbound message or consent proof more than `retention.overdue_grace_days` (7) past its retention deadline when the run starts (the run then deletes it)
*/
-- retention_overdue: a record more than overdue_grace_days past its retention deadline when the
-- run starts (the run deletes it; the finding says the deletion came late).
SELECT
    d.record_table,
    d.record_id,
    d.subject,
    d.rule || ': deadline ' || strftime(d.deadline, '%Y-%m-%d') || ', '
        || date_diff('day', d.deadline, s.as_of) || ' days before the run' AS detail
FROM work.retention_due AS d
JOIN work.retention_rules AS r ON r.name = d.rule AND r.can_be_overdue
CROSS JOIN work.retention_settings AS s
WHERE d.deadline + to_days(s.overdue_grace_days) < s.as_of

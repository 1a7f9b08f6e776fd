-- withdrawn: a contact that opted in, and whose every consent is now withdrawn (by opt_out events
-- or an inbound opt-out, as core.consent_state holds them), withdrawn_days after the last withdrawal.
WITH opted_in AS (
    SELECT DISTINCT e.contact_id
    FROM staging.consents AS e, work.retention_settings AS s
    WHERE e.action = 'opt_in' AND e.occurred_at <= s.as_of
),
fully_withdrawn AS (
    SELECT contact_id, max(since) AS withdrawn_at
    FROM work.consent_state
    GROUP BY contact_id
    HAVING bool_and(state = 'opt_out')
)
SELECT 'contacts' AS record_table, c.contact_id AS record_id, c.subject,
       w.withdrawn_at + to_days(s.withdrawn_days) AS deadline
FROM fully_withdrawn AS w
SEMI JOIN opted_in AS o ON o.contact_id = w.contact_id
JOIN work.contacts AS c ON c.contact_id = w.contact_id
CROSS JOIN work.retention_settings AS s
WHERE w.withdrawn_at + to_days(s.withdrawn_days) <= s.as_of

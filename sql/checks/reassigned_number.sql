/* check
job: compliance
severity: high
principle: accuracy
rule: policy accuracy; TCPA reassigned numbers, 47 CFR 64.1200(a)(5)
explanation: A message went to a number deactivated after the contact's latest opt-in.
finds: 'a message to a number the `deactivations` table says was deactivated after the contact''s latest opt-in at or before the message (without any opt-in: after the contact was created) and at or before `sent_at`'
scope: changed
*/
-- reassigned_number: the message went to a number deactivated after the contact's latest opt-in
-- before the message (without any opt-in: after the contact was created), and before sent_at.
-- The consent on file was then given by the number's previous holder.
WITH deactivated AS (
    SELECT n.e164, d.deactivated_at
    FROM staging.deactivations AS d
    JOIN cache.numbers AS n ON n.raw IS NOT DISTINCT FROM d.phone AND n.default_region IS NULL
    WHERE n.e164 IS NOT NULL
)
SELECT
    'messages' AS record_table,
    m.message_id AS record_id,
    NULL AS subject,
    'number deactivated ' || strftime(max(d.deactivated_at), '%Y-%m-%d')
        || ', after the consent on file and before the message' AS detail
FROM work.message_consent AS m
JOIN deactivated AS d ON d.e164 = m.to_e164
LEFT JOIN staging.contacts AS c ON c.contact_id = m.contact_id
WHERE d.deactivated_at > coalesce(m.latest_opt_in_at, c.created_at) AND d.deactivated_at <= m.sent_at
GROUP BY m.message_id

/* check
job: accuracy
severity: medium
principle: accuracy
rule: policy accuracy; GDPR Art. 5(1)(d)
explanation: Another contact created earlier has the same E.164 number.
finds: 'the same E.164 on more than one contact: every contact after the earliest `created_at` (ties: lowest contact_id first)'
*/
-- duplicate_number: the same E.164 on more than one contact; all but the earliest created_at
-- (ties broken by contact_id) are flagged. Grouping first keeps the sort off the whole list. The
-- detail does not name the earlier contact: its id would outlive an erasure of that contact (the
-- subject, the same keyed hash for both, leads an auditor to it).
WITH shared AS (
    SELECT e164, arg_min(contact_id, (created_at, contact_id)) AS first_contact_id,
           min(created_at) AS first_created_at, count(*) AS holders
    FROM work.contacts
    WHERE e164 IS NOT NULL
    GROUP BY e164
    HAVING count(*) > 1
)
SELECT
    'contacts' AS record_table,
    c.contact_id AS record_id,
    c.subject,
    'same number as a contact created earlier (' || strftime(shared.first_created_at, '%Y-%m-%d') || '); '
        || shared.holders || ' contacts hold it' AS detail
FROM work.contacts AS c
JOIN shared USING (e164)
WHERE c.contact_id <> shared.first_contact_id

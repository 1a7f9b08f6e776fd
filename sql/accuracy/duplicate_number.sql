-- duplicate_number: the same E.164 on more than one contact; all but the earliest created_at
-- (ties broken by contact_id) are flagged.
SELECT
    'contacts' AS record_table,
    contact_id AS record_id,
    subject,
    'same number as contact ' || first_contact_id || ', created earlier' AS detail
FROM (
    SELECT
        contact_id, subject,
        row_number() OVER same_number AS position,
        first_value(contact_id) OVER same_number AS first_contact_id
    FROM work.contacts
    WHERE e164 IS NOT NULL
    WINDOW same_number AS (PARTITION BY e164 ORDER BY created_at, contact_id)
)
WHERE position > 1

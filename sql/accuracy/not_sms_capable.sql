-- not_sms_capable: a valid number of a line type that cannot receive SMS (FIXED_LINE_OR_MOBILE passes).
SELECT
    'contacts' AS record_table,
    contact_id AS record_id,
    subject,
    'line type ' || line_type AS detail
FROM work.contacts
WHERE is_valid AND list_contains($not_sms_capable, line_type)

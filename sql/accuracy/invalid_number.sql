-- invalid_number: the number does not parse, or is_valid_number is false.
SELECT
    'contacts' AS record_table,
    contact_id AS record_id,
    subject,
    'not a valid number' || coalesce(' for default region ' || country, ' (no country given)') AS detail
FROM work.contacts
WHERE NOT is_valid

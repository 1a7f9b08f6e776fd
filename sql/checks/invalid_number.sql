/* check
job: accuracy
severity: high
principle: accuracy
rule: policy accuracy; GDPR Art. 5(1)(d)
explanation: The number does not parse, or phonenumbers says it is not a valid number.
finds: 'a number that does not parse, or that `phonenumbers.is_valid_number` rejects (default region: the contact''s `country`)'
*/
-- invalid_number: the number does not parse, or is_valid_number is false.
SELECT
    'contacts' AS record_table,
    contact_id AS record_id,
    subject,
    'not a valid number' || coalesce(' for default region ' || country, ' (no country given)') AS detail
FROM work.contacts
WHERE NOT is_valid

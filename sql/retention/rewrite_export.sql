-- An export file without the deleted contacts (erased_values: kind, value; registered by the caller).
SELECT *
FROM read_csv($path, header = true, all_varchar = true)
WHERE contact_id NOT IN (SELECT value FROM erased_values WHERE kind = 'contact_id')

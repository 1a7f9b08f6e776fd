-- The first line read_csv could not read, and how many there were. Never the line's text.
SELECT line, column_name, error_type, count(*) OVER () AS total
FROM temp.reject_errors
ORDER BY line
LIMIT 1

-- the report shows a phone number held in the warehouse
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
WITH page AS (
  SELECT regexp_replace(html, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}([T ][0-9]{{2}}:[0-9]{{2}}(:[0-9]{{2}}(\.[0-9]+)?)?)?(Z|[+-][0-9]{{2}}:?[0-9]{{2}})?', ' ', 'g') AS text
  FROM {batch}
), runs AS (
  SELECT DISTINCT regexp_replace(token, '[^0-9]', '', 'g') AS digits
  FROM (SELECT unnest(regexp_extract_all(text, '\+?\b[0-9][0-9 ().-]{{4,}}[0-9]\b')) AS token FROM page)
), suffixes AS (
  SELECT DISTINCT digits[extra + 1:] AS digits
  FROM runs, range(0, 5) AS drop_leading(extra)
  WHERE length(digits) - extra >= 6
), known AS (
  SELECT ltrim(e164, '+') AS digits FROM cache.numbers WHERE e164 IS NOT NULL
  UNION SELECT national_number FROM cache.numbers WHERE national_number IS NOT NULL
  UNION SELECT regexp_replace(raw, '[^0-9]', '', 'g') FROM cache.numbers WHERE raw IS NOT NULL
)
SELECT 'a phone number of the warehouse' AS finding FROM suffixes JOIN known USING (digits)

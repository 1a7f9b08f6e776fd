-- The first delivered row of an append table whose id staging already holds with other content.
SELECT min(d._row)
FROM work.delivered_{table} AS d
JOIN staging.{table} AS s ON s.{id} = d.{id}
WHERE hash({delivered_columns}) <> hash({staged_columns})

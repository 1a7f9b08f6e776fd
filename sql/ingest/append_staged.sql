-- How many delivered rows of an append table staging holds (all of them, new or delivered before).
SELECT count(*) FROM work.delivered_{table} AS d SEMI JOIN staging.{table} AS s USING ({id})

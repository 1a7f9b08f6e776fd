-- The delivered rows of an append table whose id staging does not hold yet: recorded as new, then added.
INSERT INTO work.changes
SELECT '{table}', d.{id}, 'new' FROM work.delivered_{table} AS d ANTI JOIN staging.{table} AS s USING ({id});
INSERT INTO staging.{table} BY NAME
SELECT d.* EXCLUDE (_row) FROM work.delivered_{table} AS d
SEMI JOIN (SELECT record_id FROM work.changes WHERE table_name = '{table}') AS c ON c.record_id = d.{id};

-- Publish one work table into core by its change: every key whose row differs between work and
-- core (new, changed or gone, told apart by a 64-bit hash of the whole row) has its row replaced;
-- the rest of core is not rewritten. {table}, {columns} and the key lists come from
-- runs.CORE_TABLES and the table's columns, never from values.
CREATE OR REPLACE TEMP TABLE published_keys AS
SELECT {either_key}
FROM (SELECT {key}, hash({columns}) AS row_hash FROM work.{table}) AS w
FULL JOIN (SELECT {key}, hash({columns}) AS row_hash FROM core.{table}) AS c ON {work_core_match}
WHERE w.row_hash IS DISTINCT FROM c.row_hash;
DELETE FROM core.{table} AS c USING published_keys AS k WHERE {core_key_match};
INSERT INTO core.{table} BY NAME
SELECT {columns} FROM work.{table} AS c SEMI JOIN published_keys AS k ON {core_key_match};

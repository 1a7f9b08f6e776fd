-- Publish one work table into core by its change: every key whose rows differ between work and
-- core (new, changed or gone) has its rows replaced; the rest of core is not rewritten.
-- {table}, {columns} and {key_match} are identifiers from runs.CORE_TABLES, never values.
CREATE OR REPLACE TEMP TABLE published_keys AS
SELECT DISTINCT {key} FROM (
    (SELECT {columns} FROM work.{table} EXCEPT ALL SELECT {columns} FROM core.{table})
    UNION ALL
    (SELECT {columns} FROM core.{table} EXCEPT ALL SELECT {columns} FROM work.{table})
);
DELETE FROM core.{table} AS c USING published_keys AS k WHERE {key_match};
INSERT INTO core.{table} BY NAME
SELECT {columns} FROM work.{table} AS c SEMI JOIN published_keys AS k ON {key_match};
SELECT count(*) FROM published_keys;

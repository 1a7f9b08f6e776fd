CREATE OR REPLACE TABLE work.numbers AS SELECT * FROM core.numbers LIMIT 0;

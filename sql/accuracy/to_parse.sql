-- The distinct (value, default region) pairs the cache does not hold yet.
CREATE OR REPLACE TABLE work.numbers_to_parse AS
SELECT wanted.raw, wanted.default_region
FROM work.numbers_wanted AS wanted
ANTI JOIN cache.numbers AS cached
    ON cached.raw IS NOT DISTINCT FROM wanted.raw AND cached.default_region IS NOT DISTINCT FROM wanted.default_region

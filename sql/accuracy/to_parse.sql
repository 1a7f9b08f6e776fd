-- The distinct (value, default region) pairs of the sources that the cache does not hold yet.
-- A contact's number and the numbers messages went to take the contact's country; inbound and
-- deactivation numbers none, and inbound numbers also the policy's inbound region ($inbound_region)
-- when it has one. The anti-join comes before DISTINCT: on a warm run little is left.
CREATE OR REPLACE TABLE work.numbers_to_parse AS
SELECT DISTINCT wanted.raw, wanted.default_region
FROM (
    SELECT phone AS raw, country AS default_region FROM staging.contacts
    UNION ALL
    SELECT m.to_phone, c.country FROM staging.messages AS m LEFT JOIN staging.contacts AS c USING (contact_id)
    UNION ALL
    SELECT from_phone, NULL FROM staging.inbound
    UNION ALL
    SELECT from_phone, CAST($inbound_region AS VARCHAR) FROM staging.inbound WHERE $inbound_region IS NOT NULL
    UNION ALL
    SELECT phone, NULL FROM staging.deactivations
) AS wanted
ANTI JOIN cache.numbers AS cached
    ON cached.raw IS NOT DISTINCT FROM wanted.raw AND cached.default_region IS NOT DISTINCT FROM wanted.default_region

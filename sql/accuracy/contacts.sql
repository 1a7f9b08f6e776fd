-- Contacts with their number as phonenumbers parsed it (default region: the contact's country).
SELECT
    c.contact_id, c.country, c.created_at, c.last_activity_at,
    n.e164, n.is_valid, n.line_type, n.region, n.time_zones, n.subject
FROM staging.contacts AS c
JOIN cache.numbers AS n
    ON n.raw IS NOT DISTINCT FROM c.phone AND n.default_region IS NOT DISTINCT FROM c.country

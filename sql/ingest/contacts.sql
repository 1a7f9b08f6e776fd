-- Accepted contacts, typed; declared extra fields follow the contract columns.
-- Timestamps without an offset are UTC (the warehouse session's time zone).
SELECT
    CAST(contact_id AS VARCHAR) AS contact_id,
    CAST(phone AS VARCHAR) AS phone,
    nullif(upper(trim(CAST(country AS VARCHAR))), '') AS country,
    iso_timestamp(created_at) AS created_at,
    iso_timestamp(last_activity_at) AS last_activity_at,
    * EXCLUDE (_row, contact_id, phone, country, created_at, last_activity_at)
FROM landing.contacts

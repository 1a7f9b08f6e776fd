-- Accepted contacts, typed; declared extra fields follow the contract columns.
-- Timestamps without an offset are UTC (the warehouse session's time zone).
SELECT
    CAST(contact_id AS VARCHAR) AS contact_id,
    CAST(phone AS VARCHAR) AS phone,
    nullif(upper(trim(CAST(country AS VARCHAR))), '') AS country,
    CAST(created_at AS TIMESTAMPTZ) AS created_at,
    CAST(last_activity_at AS TIMESTAMPTZ) AS last_activity_at,
    * EXCLUDE (_row, contact_id, phone, country, created_at, last_activity_at)
FROM landing.contacts

SELECT
    CAST(phone AS VARCHAR) AS phone,
    iso_timestamp(deactivated_at) AS deactivated_at
FROM landing.deactivations

SELECT
    CAST(phone AS VARCHAR) AS phone,
    CAST(deactivated_at AS TIMESTAMPTZ) AS deactivated_at
FROM landing.deactivations

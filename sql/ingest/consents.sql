SELECT
    CAST(event_id AS VARCHAR) AS event_id,
    CAST(contact_id AS VARCHAR) AS contact_id,
    CAST(purpose AS VARCHAR) AS purpose,
    CAST(action AS VARCHAR) AS action,
    nullif(trim(CAST(method AS VARCHAR)), '') AS method,
    iso_timestamp(occurred_at) AS occurred_at,
    nullif(trim(CAST(notice_version AS VARCHAR)), '') AS notice_version,
    CAST(source AS VARCHAR) AS source
FROM landing.consents

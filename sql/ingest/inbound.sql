SELECT
    CAST(inbound_id AS VARCHAR) AS inbound_id,
    CAST(from_phone AS VARCHAR) AS from_phone,
    CAST(body AS VARCHAR) AS body,
    iso_timestamp(received_at) AS received_at
FROM landing.inbound

SELECT
    CAST(inbound_id AS VARCHAR) AS inbound_id,
    CAST(from_phone AS VARCHAR) AS from_phone,
    CAST(body AS VARCHAR) AS body,
    CAST(received_at AS TIMESTAMPTZ) AS received_at
FROM landing.inbound

SELECT
    CAST(message_id AS VARCHAR) AS message_id,
    CAST(contact_id AS VARCHAR) AS contact_id,
    CAST(to_phone AS VARCHAR) AS to_phone,
    CAST(purpose AS VARCHAR) AS purpose,
    CAST(campaign_id AS VARCHAR) AS campaign_id,
    CAST(sender_id AS VARCHAR) AS sender_id,
    CAST(body AS VARCHAR) AS body,
    iso_timestamp(sent_at) AS sent_at
FROM landing.messages

-- quiet_hours: a consent-requiring message sent outside the allowed window in the local time of
-- any time zone of the number (the window is inclusive; a country override of the number's region
-- replaces the default). Local times come from DuckDB's ICU zones, DST included. A number with no
-- known time zone cannot be checked and is skipped.
WITH local_times AS (
    SELECT
        m.message_id, m.subject, zone,
        CAST(timezone(zone, m.sent_at) AS TIME) AS local_time,
        coalesce(o.allowed_from, d.allowed_from) AS allowed_from,
        coalesce(o.allowed_until, d.allowed_until) AS allowed_until
    FROM work.message_consent AS m
    CROSS JOIN unnest(m.time_zones) AS zones(zone)
    CROSS JOIN (SELECT * FROM work.policy_quiet_hours WHERE region IS NULL) AS d
    LEFT JOIN work.policy_quiet_hours AS o ON o.region = m.to_region
    WHERE m.consent_required
)
SELECT
    'messages' AS record_table,
    message_id AS record_id,
    any_value(subject) AS subject,
    'sent at ' || left(CAST(arg_min(local_time, zone) AS VARCHAR), 5) || ' ' || min(zone) || ' local time, outside '
        || left(CAST(any_value(allowed_from) AS VARCHAR), 5) || '-' || left(CAST(any_value(allowed_until) AS VARCHAR), 5)
        AS detail
FROM local_times
WHERE local_time < allowed_from OR local_time > allowed_until
GROUP BY message_id

/* check
job: compliance
severity: high
principle: timing
rule: policy quiet_hours; TCPA 47 CFR 64.1200(c)(1)
explanation: Sent outside the allowed hours in one of the recipient's local time zones.
finds: a consent-requiring message outside the allowed window (08:00-21:00 inclusive, per-country overrides) in any of the time zones of the number it went to
scope: changed
*/
-- quiet_hours: a consent-requiring message sent outside the allowed window in the local time of
-- any time zone of the number it went to (the window is inclusive; a country override of the
-- number's region replaces the default). Local times come from DuckDB's ICU zones, DST included.
-- A number with no known time zone cannot be checked and is skipped.
-- ICU is asked once per zone and 15-minute bucket of sent_at, not once per message: every UTC
-- offset in use and every DST change falls on a quarter hour, so within a bucket the local time
-- is the bucket's local start plus the time into the bucket. Times are kept as microseconds since
-- midnight (integer arithmetic; TIME + INTERVAL is far slower over millions of rows).
WITH zones AS (
    SELECT zones_key, unnest(time_zones) AS zone FROM work.zone_sets
),
candidates AS (
    SELECT message_id, zones_key, to_region, epoch_us(sent_at) AS sent_us, epoch_us(sent_at) // 900000000 AS bucket
    FROM work.message_consent
    WHERE consent_required
),
bucket_starts AS (
    SELECT b.zones_key, b.bucket, z.zone,
           date_diff('microsecond', TIME '00:00:00', CAST(timezone(z.zone, to_timestamp(b.bucket * 900)) AS TIME))
               AS local_start_us
    FROM (SELECT DISTINCT zones_key, bucket FROM candidates) AS b
    JOIN zones AS z USING (zones_key)
),
windows AS (
    SELECT region, date_diff('microsecond', TIME '00:00:00', allowed_from) AS from_us,
           date_diff('microsecond', TIME '00:00:00', allowed_until) AS until_us
    FROM work.policy_quiet_hours
),
local_times AS (
    SELECT
        m.message_id, s.zone,
        s.local_start_us + (m.sent_us - m.bucket * 900000000) AS local_us,
        coalesce(o.from_us, d.from_us) AS from_us,
        coalesce(o.until_us, d.until_us) AS until_us
    FROM candidates AS m
    JOIN bucket_starts AS s ON s.zones_key = m.zones_key AND s.bucket = m.bucket
    CROSS JOIN (SELECT * FROM windows WHERE region IS NULL) AS d
    LEFT JOIN windows AS o ON o.region = m.to_region
)
SELECT
    'messages' AS record_table,
    message_id AS record_id,
    NULL AS subject,
    'sent at ' || strftime(make_timestamp(arg_min(local_us, zone)), '%H:%M') || ' ' || min(zone)
        || ' local time, outside ' || strftime(make_timestamp(any_value(from_us)), '%H:%M')
        || '-' || strftime(make_timestamp(any_value(until_us)), '%H:%M') AS detail
FROM local_times
WHERE local_us < from_us OR local_us > until_us
GROUP BY message_id

-- What accuracy saw in this run: validity, line types, country hints the number contradicts,
-- and the valid share of the previous run that normalised numbers (the gate's baseline).
WITH counts AS (
    SELECT count(*) AS contacts, count(*) FILTER (WHERE is_valid) AS valid FROM work.contacts
),
line_types AS (
    SELECT coalesce(to_json(map(list(line_type ORDER BY line_type), list(n ORDER BY line_type))), '{}') AS line_types
    FROM (SELECT coalesce(line_type, 'INVALID') AS line_type, count(*) AS n FROM work.contacts GROUP BY ALL)
),
mismatches AS (
    SELECT country AS hint, region, count(*) AS contacts, min(contact_id) AS example_contact_id
    FROM work.contacts
    WHERE is_valid AND country IS NOT NULL AND region <> country
    GROUP BY ALL
),
previous AS (
    SELECT valid_share FROM audit.accuracy AS a JOIN audit.runs AS r USING (run_id)
    ORDER BY r.finished_at DESC
    LIMIT 1
)
SELECT
    counts.contacts,
    counts.valid,
    counts.valid / nullif(counts.contacts, 0) AS valid_share,
    (SELECT valid_share FROM previous) AS previous_valid_share,
    round((SELECT valid_share FROM previous) - counts.valid / nullif(counts.contacts, 0), 9) AS valid_share_drop,
    CAST($max_valid_share_drop AS DOUBLE) AS max_valid_share_drop,
    line_types.line_types,
    (SELECT coalesce(sum(contacts), 0) FROM mismatches) AS country_mismatches,
    (
        SELECT coalesce(to_json(list(
            {'hint': hint, 'region': region, 'contacts': contacts, 'example_contact_id': example_contact_id}
            ORDER BY contacts DESC, hint, region
        )), '[]')
        FROM mismatches
    ) AS mismatch_pairs,
    CAST($values_parsed AS BIGINT) AS values_parsed
FROM counts, line_types

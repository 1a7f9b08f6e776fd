-- consent_without_evidence: an opt_in missing one of the policy's consent.evidence_fields.
SELECT
    'consents' AS record_table,
    event_id AS record_id,
    subject,
    'opt-in to ' || purpose || ' without ' || array_to_string(missing, ', ') AS detail
FROM (
    SELECT
        e.event_id, e.purpose, c.subject,
        list_filter(CAST($evidence_fields AS VARCHAR[]), field -> CASE field
            WHEN 'method' THEN e.method WHEN 'notice_version' THEN e.notice_version WHEN 'source' THEN e.source
        END IS NULL) AS missing
    FROM staging.consents AS e
    LEFT JOIN work.contacts AS c USING (contact_id)
    WHERE e.action = 'opt_in'
)
WHERE len(missing) > 0

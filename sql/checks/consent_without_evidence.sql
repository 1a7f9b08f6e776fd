/* check
job: compliance
severity: high
principle: consent
rule: policy consent.evidence_fields; GDPR Art. 7(1)
explanation: An opt-in without the method or the notice version the person saw.
finds: an `opt_in` event missing any of `consent.evidence_fields` (`method`, `notice_version`; empty counts as missing)
binds:
  evidence_fields: consent.evidence_fields
*/
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

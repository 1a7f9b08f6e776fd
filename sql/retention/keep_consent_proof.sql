-- Consent events of deleted contacts stay as proof of consent, named by keyed hashes only.
INSERT INTO core.consent_proof
SELECT c.event_id, contact_key(c.contact_id), e.subject, c.purpose, c.action, c.method, c.occurred_at,
       c.notice_version, c.source, s.as_of
FROM staging.consents AS c
JOIN work.erased_contacts AS e ON e.contact_id = c.contact_id
CROSS JOIN work.retention_settings AS s
ANTI JOIN core.consent_proof AS kept ON kept.event_id = c.event_id

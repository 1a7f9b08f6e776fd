-- What the run's compliance checks checked becomes the state the next run's scope compares with
-- (sql/compliance/scope.sql); only what changed is written. Inside publish's transaction, before
-- retention's deletions (which record the contacts they take messages from for the next check).
DELETE FROM core.checked_run;
INSERT INTO core.checked_run SELECT policy_sha256, code_version, versions FROM work.run;

DELETE FROM core.checked_contacts AS c USING work.changed_contacts AS x WHERE c.contact_key = x.contact_key;
INSERT INTO core.checked_contacts
SELECT f.* FROM work.contact_fingerprints AS f SEMI JOIN work.changed_contacts AS x USING (contact_key);

DELETE FROM core.checked_inbound AS c USING work.changed_inbound AS x WHERE c.inbound_key = x.inbound_key;
INSERT INTO core.checked_inbound
SELECT f.* FROM work.inbound_fingerprints AS f SEMI JOIN work.changed_inbound AS x USING (inbound_key);

DELETE FROM core.checked_deactivations;
INSERT INTO core.checked_deactivations SELECT fingerprint, subject FROM work.deactivation_fingerprints;

-- The re-checked contacts' messages are all in work.message_consent: their targets are replaced.
DELETE FROM core.message_targets AS t USING work.scope_contacts AS s WHERE t.contact_key = s.contact_key;
INSERT INTO core.message_targets
SELECT DISTINCT hash(m.contact_id), n.subject
FROM work.message_consent AS m
JOIN work.number_subjects AS n ON n.e164 = m.to_e164;

DELETE FROM staging.unchecked_messages;
DELETE FROM core.rescope_contacts;

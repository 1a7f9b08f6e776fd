-- What this run's compliance checks re-check (work.scope_mode says full or changed; see
-- listwarden/compliance.py). Every rule is about a contact's messages, or about a number and the
-- contacts that hold or message it, so the scope is a set of contacts (work.scope_contacts, by
-- hash of contact_id) whose every message is re-checked, and a set of numbers
-- (work.scope_numbers, by subject) whose replies are. A changed run takes:
--   contacts whose facts changed (their normalised row or their consent events: a fingerprint
--   differs from core.checked_contacts), contacts with unchecked messages, contacts whose
--   messages a deletion removed (core.rescope_contacts);
--   the numbers those touch: their numbers before and after, the numbers their messages went to
--   before (core.message_targets) and now; numbers with a new, changed or gone reply or
--   deactivation;
--   then the contacts holding a number a reply came from (a reply can withdraw their consent),
--   and the contacts that ever messaged a number whose deactivation changed or that sent a HELP
--   (so that every answer to a re-checked HELP is among the messages re-checked).
-- Fingerprints are compared, not delivery changes, so a run that stopped before publishing
-- leaves nothing unchecked: its changes are still changes against what was last checked.

CREATE OR REPLACE TABLE work.contact_fingerprints AS
SELECT coalesce(c.contact_key, e.contact_key) AS contact_key, c.subject, hash(c.fingerprint, e.fingerprint) AS fingerprint
FROM (SELECT hash(contact_id) AS contact_key, subject, hash(*COLUMNS(*)) AS fingerprint FROM work.contacts) AS c
FULL JOIN (
    SELECT hash(contact_id) AS contact_key, bit_xor(hash(*COLUMNS(*))) AS fingerprint
    FROM staging.consents
    GROUP BY contact_id
) AS e ON e.contact_key = c.contact_key;

CREATE OR REPLACE TABLE work.inbound_fingerprints AS
SELECT hash(inbound_id) AS inbound_key, subject, hash(*COLUMNS(*)) AS fingerprint FROM work.inbound;

CREATE OR REPLACE TABLE work.deactivation_fingerprints AS
SELECT DISTINCT hash(d.phone, d.deactivated_at) AS fingerprint, n.subject
FROM staging.deactivations AS d
LEFT JOIN cache.numbers AS n ON n.raw IS NOT DISTINCT FROM d.phone AND n.default_region IS NULL;

CREATE OR REPLACE TABLE work.changed_contacts AS
SELECT coalesce(now.contact_key, checked.contact_key) AS contact_key, checked.subject AS old_subject,
       now.subject AS new_subject
FROM work.contact_fingerprints AS now
FULL JOIN core.checked_contacts AS checked ON checked.contact_key = now.contact_key
WHERE now.fingerprint IS DISTINCT FROM checked.fingerprint;

CREATE OR REPLACE TABLE work.changed_inbound AS
SELECT coalesce(now.inbound_key, checked.inbound_key) AS inbound_key, checked.subject AS old_subject,
       now.subject AS new_subject
FROM work.inbound_fingerprints AS now
FULL JOIN core.checked_inbound AS checked ON checked.inbound_key = now.inbound_key
WHERE now.fingerprint IS DISTINCT FROM checked.fingerprint;

CREATE OR REPLACE TABLE work.changed_deactivations AS
SELECT fingerprint, subject FROM work.deactivation_fingerprints
EXCEPT SELECT fingerprint, subject FROM core.checked_deactivations
UNION
(SELECT fingerprint, subject FROM core.checked_deactivations EXCEPT SELECT fingerprint, subject FROM work.deactivation_fingerprints);

-- Messages not checked yet, and every message of a changed contact (a new country reads its
-- numbers anew): their contact and the number each goes to now. One pass over the log.
CREATE OR REPLACE TABLE work.touched_messages AS
SELECT hash(m.contact_id) AS contact_key, n.subject AS to_subject, u.message_key IS NOT NULL AS unchecked
FROM staging.messages AS m
LEFT JOIN staging.unchecked_messages AS u ON u.message_key = hash(m.message_id)
LEFT JOIN work.changed_contacts AS d ON d.contact_key = hash(m.contact_id)
LEFT JOIN work.contacts AS c ON c.contact_id = m.contact_id
LEFT JOIN cache.numbers AS n ON n.raw IS NOT DISTINCT FROM m.to_phone AND n.default_region IS NOT DISTINCT FROM c.country
WHERE u.message_key IS NOT NULL OR d.contact_key IS NOT NULL;

CREATE OR REPLACE TABLE work.direct_contacts AS
SELECT contact_key FROM work.changed_contacts
UNION SELECT contact_key FROM work.touched_messages WHERE unchecked
UNION SELECT contact_key FROM core.rescope_contacts;

CREATE OR REPLACE TABLE work.scope_numbers AS
WITH touched AS (
    SELECT old_subject AS subject FROM work.changed_contacts
    UNION ALL SELECT new_subject FROM work.changed_contacts
    UNION ALL SELECT old_subject FROM work.changed_inbound
    UNION ALL SELECT new_subject FROM work.changed_inbound
    UNION ALL SELECT subject FROM work.changed_deactivations
    UNION ALL SELECT to_subject FROM work.touched_messages
    UNION ALL SELECT t.to_subject FROM core.message_targets AS t SEMI JOIN work.direct_contacts AS d USING (contact_key)
)
SELECT DISTINCT subject FROM touched WHERE subject IS NOT NULL AND NOT (SELECT everything FROM work.scope_mode)
UNION
SELECT DISTINCT subject FROM work.inbound WHERE subject IS NOT NULL AND (SELECT everything FROM work.scope_mode);

CREATE OR REPLACE TABLE work.scope_contacts AS
WITH opted_numbers AS (  -- a reply from the number moves its holders' consent (an opt-out withdraws it)
    SELECT old_subject AS subject FROM work.changed_inbound UNION SELECT new_subject FROM work.changed_inbound
),
messaged_numbers AS (  -- what every message to the number is checked against: its deactivation, its HELPs
    SELECT subject FROM work.changed_deactivations
    UNION
    SELECT subject FROM work.scope_numbers SEMI JOIN (SELECT subject FROM work.inbound WHERE kind = 'help') USING (subject)
)
SELECT contact_key FROM work.direct_contacts WHERE NOT (SELECT everything FROM work.scope_mode)
UNION SELECT hash(c.contact_id) FROM work.contacts AS c SEMI JOIN opted_numbers AS s USING (subject)
WHERE NOT (SELECT everything FROM work.scope_mode)
UNION SELECT t.contact_key FROM core.message_targets AS t SEMI JOIN messaged_numbers AS s ON s.subject = t.to_subject
WHERE NOT (SELECT everything FROM work.scope_mode)
UNION SELECT DISTINCT hash(contact_id) FROM staging.messages WHERE (SELECT everything FROM work.scope_mode);

CREATE OR REPLACE VIEW work.scoped_messages AS
SELECT m.* FROM staging.messages AS m SEMI JOIN work.scope_contacts AS s ON s.contact_key = hash(m.contact_id);

CREATE OR REPLACE VIEW work.scoped_inbound AS
SELECT i.* FROM work.inbound AS i SEMI JOIN work.scope_numbers AS s USING (subject);

-- The records re-checked (findings of `changed` checks close only among them): every reply of
-- the scope and every reply gone since the last check. Messages are added by prepare's facts.
INSERT INTO work.scope_records
SELECT 'inbound', hash(inbound_id) FROM work.scoped_inbound
UNION SELECT 'inbound', inbound_key FROM work.changed_inbound;

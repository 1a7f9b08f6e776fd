-- The deletion plan: what each due record takes with it, one row per record and table.
-- Reads work.retention_candidates (what the rules selected) and writes:
--   work.retention_due     one row per due record: the rule with the earliest deadline
--   work.erased_contacts   the contacts that go, with their number
--   work.erased_subjects   their numbers that no kept contact holds (inbound, cache, deactivations go)
--   work.deletion_plan     (rule, table_name, action, record_id, subject)
CREATE OR REPLACE TABLE work.retention_due AS
SELECT record_table, record_id, arg_min(rule, deadline) AS rule, arg_min(subject, deadline) AS subject,
       min(deadline) AS deadline
FROM work.retention_candidates
GROUP BY record_table, record_id;

CREATE OR REPLACE TABLE work.erased_contacts AS
SELECT d.record_id AS contact_id, d.rule, c.subject, c.e164, s.phone
FROM work.retention_due AS d
JOIN work.contacts AS c ON c.contact_id = d.record_id
LEFT JOIN staging.contacts AS s ON s.contact_id = d.record_id
WHERE d.record_table = 'contacts';

CREATE OR REPLACE TABLE work.erased_subjects AS
WITH kept AS (
    SELECT DISTINCT c.subject
    FROM work.contacts AS c
    ANTI JOIN work.erased_contacts AS e ON e.contact_id = c.contact_id
    WHERE c.subject IS NOT NULL
)
SELECT e.subject, min(e.rule) AS rule, any_value(e.e164) AS e164, list(DISTINCT e.phone) AS phones
FROM work.erased_contacts AS e
ANTI JOIN kept AS k ON k.subject = e.subject
WHERE e.subject IS NOT NULL
GROUP BY e.subject;

CREATE OR REPLACE TABLE work.deletion_plan AS
WITH due AS (SELECT * FROM work.retention_due)
SELECT rule, 'contacts' AS table_name, 'delete' AS action, contact_id AS record_id, subject
FROM work.erased_contacts
UNION ALL
SELECT coalesce(e.rule, d.rule), 'messages', 'delete', m.message_id, coalesce(e.subject, d.subject)
FROM staging.messages AS m
LEFT JOIN work.erased_contacts AS e ON e.contact_id = m.contact_id
LEFT JOIN due AS d ON d.record_table = 'messages' AND d.record_id = m.message_id
WHERE e.contact_id IS NOT NULL OR d.record_id IS NOT NULL
UNION ALL
SELECT coalesce(d.rule, s.rule), 'inbound', 'delete', i.inbound_id, i.subject
FROM work.inbound AS i
LEFT JOIN work.erased_subjects AS s ON s.subject = i.subject
LEFT JOIN due AS d ON d.record_table = 'inbound' AND d.record_id = i.inbound_id
WHERE s.subject IS NOT NULL OR d.record_id IS NOT NULL
UNION ALL
SELECT e.rule, 'consents', 'keep as proof', c.event_id, e.subject
FROM staging.consents AS c
JOIN work.erased_contacts AS e ON e.contact_id = c.contact_id
UNION ALL
SELECT rule, 'consent_proof', 'delete', record_id, subject
FROM due
WHERE record_table = 'consents'
UNION ALL
SELECT s.rule, 'deactivations', 'delete', d.phone, s.subject
FROM staging.deactivations AS d
JOIN cache.numbers AS n ON n.raw = d.phone AND n.default_region IS NULL
JOIN work.erased_subjects AS s ON s.subject = n.subject
UNION ALL
SELECT s.rule, 'cache', 'delete', s.subject, s.subject
FROM work.erased_subjects AS s
UNION ALL
SELECT s.rule, 'suppression', 'add', s.subject, s.subject
FROM work.erased_subjects AS s
JOIN work.retention_rules AS r ON r.name = s.rule AND r.suppresses
ANTI JOIN core.suppression AS p ON p.subject = s.subject;

-- How much of each table the plan deletes: the guard of the retention.output gate reads this.
CREATE OR REPLACE TABLE work.deletion_shares AS
WITH planned AS (
    SELECT table_name, count(*) AS planned FROM work.deletion_plan WHERE action = 'delete' GROUP BY table_name
),
totals AS (
    SELECT 'contacts' AS table_name, (SELECT count(*) FROM work.contacts) AS total
    UNION ALL SELECT 'messages', (SELECT count(*) FROM staging.messages)
    UNION ALL SELECT 'inbound', (SELECT count(*) FROM work.inbound)
    UNION ALL SELECT 'consent_proof', (SELECT count(*) FROM core.consent_proof)
)
SELECT t.table_name, t.total, coalesce(p.planned, 0) AS planned,
       coalesce(p.planned, 0) / greatest(t.total, 1) AS share,
       s.max_deletion_share, s.allow_large_deletion
FROM totals AS t
LEFT JOIN planned AS p USING (table_name)
CROSS JOIN work.retention_settings AS s;

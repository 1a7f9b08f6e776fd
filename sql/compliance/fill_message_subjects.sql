-- Message findings are written without a subject; this names each by the number the message went
-- to (or the contact's number when that one did not parse), looked up for the findings only.
-- A rewrite, not an UPDATE: DuckDB rewrites the table faster than it updates a million rows.
CREATE OR REPLACE TABLE work.violations AS
WITH message_subjects AS (
    SELECT m.message_id, coalesce(ns.subject, c.subject) AS subject
    FROM work.message_consent AS m
    SEMI JOIN (SELECT record_id FROM work.violations WHERE record_table = 'messages' AND subject IS NULL) AS f
        ON f.record_id = m.message_id
    LEFT JOIN work.number_subjects AS ns ON ns.e164 = m.to_e164
    LEFT JOIN work.contacts AS c ON c.contact_id = m.contact_id
)
SELECT v.* REPLACE (coalesce(v.subject, s.subject) AS subject)
FROM work.violations AS v
-- The CASE keeps this a hash join (a condition on v alone in the ON clause made it a nested loop).
LEFT JOIN message_subjects AS s ON s.message_id = CASE WHEN v.record_table = 'messages' THEN v.record_id END

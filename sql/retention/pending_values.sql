-- What the compaction that follows must prove gone from the file, and which exports to rewrite: ids of the deleted records and the numbers no kept contact holds. Raw values, so
-- this schema lives only until that compaction, which drops it before copying the warehouse.
CREATE SCHEMA IF NOT EXISTS erasure;
CREATE TABLE IF NOT EXISTS erasure.pending (kind VARCHAR, value VARCHAR);
INSERT INTO erasure.pending
SELECT DISTINCT kind, value FROM (
    SELECT 'mode' AS kind, mode AS value FROM work.retention_settings
    UNION ALL
    SELECT 'contact_id' AS kind, record_id AS value FROM work.deletion_plan WHERE table_name = 'contacts'
    UNION ALL
    SELECT 'message_id', record_id FROM work.deletion_plan WHERE table_name = 'messages'
    UNION ALL
    SELECT 'inbound_id', record_id FROM work.deletion_plan WHERE table_name = 'inbound'
    UNION ALL
    SELECT 'number', unnest(phones) FROM work.erased_subjects
    UNION ALL
    SELECT 'number', e164 FROM work.erased_subjects
    UNION ALL
    SELECT 'number', m.to_phone
    FROM staging.messages AS m
    JOIN work.erased_contacts AS e ON e.contact_id = m.contact_id
    SEMI JOIN work.erased_subjects AS s ON s.subject = e.subject
    UNION ALL
    SELECT 'number', i.from_phone
    FROM staging.inbound AS i
    JOIN work.inbound AS w ON w.inbound_id = i.inbound_id
    SEMI JOIN work.erased_subjects AS s ON s.subject = w.subject
)
WHERE value IS NOT NULL

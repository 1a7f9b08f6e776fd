-- Rows that still hold a deleted value (erased_values: kind, value; registered by the caller).
-- Every count must be 0 after apply.
WITH ids AS (SELECT value FROM erased_values WHERE kind IN ('contact_id', 'message_id', 'inbound_id')),
numbers AS (SELECT value FROM erased_values WHERE kind = 'number')
SELECT 'staging.contacts' AS table_name, count(*) AS found FROM staging.contacts
WHERE contact_id IN (SELECT value FROM ids) OR phone IN (SELECT value FROM numbers)
UNION ALL
SELECT 'staging.consents', count(*) FROM staging.consents WHERE contact_id IN (SELECT value FROM ids)
UNION ALL
SELECT 'staging.messages', count(*) FROM staging.messages
WHERE message_id IN (SELECT value FROM ids) OR contact_id IN (SELECT value FROM ids)
   OR to_phone IN (SELECT value FROM numbers)
UNION ALL
SELECT 'staging.inbound', count(*) FROM staging.inbound
WHERE inbound_id IN (SELECT value FROM ids) OR from_phone IN (SELECT value FROM numbers)
UNION ALL
SELECT 'staging.deactivations', count(*) FROM staging.deactivations WHERE phone IN (SELECT value FROM numbers)
UNION ALL
SELECT 'cache.numbers', count(*) FROM cache.numbers
WHERE raw IN (SELECT value FROM numbers) OR e164 IN (SELECT value FROM numbers)
UNION ALL
SELECT 'core.contacts', count(*) FROM core.contacts
WHERE contact_id IN (SELECT value FROM ids) OR e164 IN (SELECT value FROM numbers)
UNION ALL
SELECT 'core.inbound', count(*) FROM core.inbound
WHERE inbound_id IN (SELECT value FROM ids) OR e164 IN (SELECT value FROM numbers)
UNION ALL
SELECT 'core.consent_state', count(*) FROM core.consent_state WHERE contact_id IN (SELECT value FROM ids)
UNION ALL
SELECT 'core.sendable', count(*) FROM core.sendable
WHERE contact_id IN (SELECT value FROM ids) OR e164 IN (SELECT value FROM numbers)
UNION ALL
-- Findings keep record ids after retention; an erasure request redacts them ($audit_redacted).
SELECT 'audit.violations', count(*) FROM audit.violations
WHERE $audit_redacted AND record_id IN (SELECT value FROM ids)
UNION ALL
SELECT 'audit.review_queue', count(*) FROM audit.review_queue
WHERE $audit_redacted AND inbound_id IN (SELECT value FROM ids)

-- a purpose that needs no consent in the sendable audience
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT s.contact_id FROM {batch} AS s JOIN work.policy_purposes AS p ON p.name = s.purpose WHERE NOT p.consent_required

-- The sendable audience of each consent-requiring purpose the policy lists: contacts whose
-- consent for it is opt_in now, with a valid number of an SMS-capable line type, not suppressed.
SELECT s.purpose, c.contact_id, c.e164, c.subject
FROM work.consent_state AS s
JOIN work.policy_purposes AS p ON p.name = s.purpose AND p.consent_required
JOIN work.contacts AS c USING (contact_id)
ANTI JOIN work.suppression AS x ON x.subject = c.subject
WHERE s.state = 'opt_in' AND c.is_valid AND NOT list_contains(CAST($not_sms_capable AS VARCHAR[]), c.line_type)

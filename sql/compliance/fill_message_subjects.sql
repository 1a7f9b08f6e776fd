-- Message findings are written without a subject; this names each by the number the message went
-- to (or the contact's number when that one did not parse), once, for the findings only.
UPDATE work.violations AS v
SET subject = coalesce(ns.subject, c.subject)
FROM work.message_consent AS m
LEFT JOIN work.number_subjects AS ns ON ns.e164 = m.to_e164
LEFT JOIN work.contacts AS c ON c.contact_id = m.contact_id
WHERE v.record_table = 'messages' AND v.subject IS NULL AND m.message_id = v.record_id

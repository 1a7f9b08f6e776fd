-- What the report shows of messages and the audience: messages per encoding and segment count
-- (all and consent-requiring), sendable contacts per purpose, numbers on the suppression list.
INSERT INTO work.metrics
SELECT 'segments', upper(b.encoding) || ' ' || b.segments || CASE WHEN m.consent_required THEN ' consent' ELSE ' service' END,
       sum(m.messages)
FROM (SELECT body_hash, consent_required, count(*) AS messages FROM work.message_consent GROUP BY ALL) AS m
JOIN work.body_facts AS b USING (body_hash)
GROUP BY ALL
UNION ALL
SELECT 'audience', purpose, count(*) FROM work.sendable GROUP BY purpose
UNION ALL
SELECT 'audience', 'suppressed numbers', count(*) FROM work.suppression

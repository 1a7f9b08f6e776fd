-- Inbound messages a person must read: they mention opting out but match no rule.
INSERT INTO work.review_queue
SELECT inbound_id, subject, received_at, rule AS reason
FROM work.inbound
WHERE kind = 'unclear'

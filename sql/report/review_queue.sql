SELECT inbound_id, subject, received_at, reason, count(*) OVER () AS total
FROM work.report_review_queue
ORDER BY received_at, inbound_id
LIMIT $limit

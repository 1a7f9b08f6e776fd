-- The latest published run's review queue, less the replies a person has decided, with the text
-- of each reply (as the source holds it, numbers masked: the text is for the reviewer's eyes).
SELECT
    q.inbound_id,
    q.received_at,
    q.reason,
    regexp_replace(coalesce(s.body, '(text no longer held)'), '\+?[0-9][0-9 ().-]{3,}[0-9]', '[number]', 'g') AS text
FROM audit.review_queue AS q
LEFT JOIN staging.inbound AS s USING (inbound_id)
WHERE q.run_id = $run_id AND q.inbound_id NOT IN (SELECT inbound_id FROM core.review_decisions)
ORDER BY q.received_at, q.inbound_id

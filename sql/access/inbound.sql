SELECT s.*, c.kind
FROM staging.inbound AS s
JOIN core.inbound AS c USING (inbound_id)
WHERE c.subject = $subject OR c.subject IN (SELECT subject FROM core.contacts WHERE list_contains($contact_ids, contact_id))
ORDER BY s.received_at, s.inbound_id

-- Decisions are appended, never changed: the latest for a reply is the one that counts.
INSERT INTO core.review_decisions VALUES ($inbound_id, $decision, $decided_by, now())
RETURNING decided_at

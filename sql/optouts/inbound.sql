-- Every inbound message with what it asks for, the rule that decided it, and who sent it
-- (E.164 and keyed hash of the number; no body text is kept past staging).
SELECT
    i.inbound_id,
    n.e164,
    n.subject,
    i.received_at,
    coalesce(k.kind, 'other') AS kind,
    k.rule
FROM staging.inbound AS i
LEFT JOIN classified_bodies AS k ON k.body IS NOT DISTINCT FROM i.body
LEFT JOIN cache.numbers AS n ON n.raw IS NOT DISTINCT FROM i.from_phone AND n.default_region IS NULL

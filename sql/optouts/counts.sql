-- What the replies asked for, and how their numbers were matched (an opt-out from a number no
-- contact holds is suppressed by its keyed hash all the same; the report shows how many).
INSERT INTO work.metrics
SELECT 'inbound', kind, count(*) FROM work.inbound GROUP BY kind
UNION ALL
SELECT 'inbound_numbers', coalesce(matched_by, 'unmatched'), count(*) FROM work.inbound GROUP BY matched_by
UNION ALL
SELECT 'inbound_numbers', 'opt-outs from a number no contact holds', count(*)
FROM work.inbound WHERE kind = 'opt_out' AND NOT contact_holds_number
RETURNING section, name, value

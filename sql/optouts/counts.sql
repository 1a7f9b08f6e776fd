INSERT INTO work.metrics
SELECT 'inbound', kind, count(*) FROM work.inbound GROUP BY kind
RETURNING name, value

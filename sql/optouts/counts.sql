SELECT kind, count(*) FROM work.inbound GROUP BY kind ORDER BY kind

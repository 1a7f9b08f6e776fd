SELECT table_name, count(*) AS rows FROM work.deletion_plan GROUP BY table_name ORDER BY table_name

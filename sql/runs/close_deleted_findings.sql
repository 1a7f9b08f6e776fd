-- Open findings about records the run's deletions removed are closed by it (record deleted).
INSERT INTO audit.finding_closures BY NAME
SELECT (SELECT run_id FROM work.run) AS run_id, f."check", f.record_table, f.record_key, f.run_id AS opened_run,
       'record deleted' AS reason
FROM open_findings() AS f
SEMI JOIN work.deletion_plan AS p ON p.action = 'delete' AND p.table_name = f.record_table AND p.record_id = f.record_id;

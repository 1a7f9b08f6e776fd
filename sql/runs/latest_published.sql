SELECT run_id FROM audit.runs ORDER BY finished_at DESC LIMIT 1

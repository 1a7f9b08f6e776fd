SELECT run_id FROM work.run

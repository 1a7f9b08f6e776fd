SELECT step, started_at, finished_at, detail FROM work.report_steps ORDER BY started_at

SELECT section, name, value FROM work.report_metrics ORDER BY section, name

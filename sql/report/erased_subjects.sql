SELECT DISTINCT subject FROM work.report_deleted_subjects ORDER BY subject

SELECT DISTINCT unnest(subjects) AS subject FROM work.report_deletions WHERE phase = 'apply' ORDER BY subject

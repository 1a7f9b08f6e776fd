-- Findings of the latest run about the person: by the number, or by the person's record ids.
SELECT "check", severity, record_table, record_id, detail, rule
FROM findings_of_run((SELECT run_id FROM audit.runs ORDER BY finished_at DESC LIMIT 1), 'open')
WHERE (subject = $subject OR list_contains($record_ids, record_id))
ORDER BY "check", record_id

-- The keyed hashes of the numbers whose records apply deletes, once per rule: how an auditor (or a
-- deletion certificate) shows that a person's records went, and under which rule.
INSERT INTO audit.deleted_subjects BY NAME
SELECT DISTINCT (SELECT run_id FROM work.run) AS run_id, rule, subject
FROM work.deletion_plan
WHERE action = 'delete' AND subject IS NOT NULL
ORDER BY rule, subject

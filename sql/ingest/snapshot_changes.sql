-- What a snapshot delivery changed against staging: rows new, changed (same id, other content)
-- and gone, by id (a table without an id column is identified by the whole row). Rows are
-- compared by the hash of every column but _row.
INSERT INTO work.changes
SELECT '{table}', coalesce(delivered.record_id, staged.record_id),
       CASE WHEN staged.record_id IS NULL THEN 'new' WHEN delivered.record_id IS NULL THEN 'gone' ELSE 'changed' END
FROM (SELECT {delivered_id} AS record_id, hash(*COLUMNS(* EXCLUDE (_row))) AS content FROM work.delivered_{table}) AS delivered
FULL JOIN (SELECT {staged_id} AS record_id, hash(*COLUMNS(*)) AS content FROM staging.{table}) AS staged
    ON staged.record_id = delivered.record_id
WHERE staged.record_id IS NULL OR delivered.record_id IS NULL OR staged.content <> delivered.content

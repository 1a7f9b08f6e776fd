-- What the compaction that follows must prove gone from the file, and which exports to rewrite:
-- the keys of the planned records, and the numbers and ids the removed rows hold that no kept row
-- still holds (a number a kept contact shares, however typed, stays). From held_values
-- (listwarden/retention.py REMOVALS), the same definition apply deletes by. Raw values, so this
-- schema lives only until that compaction, which drops it before copying the warehouse.
CREATE SCHEMA IF NOT EXISTS erasure;
CREATE TABLE IF NOT EXISTS erasure.pending (kind VARCHAR, value VARCHAR);
INSERT INTO erasure.pending
WITH held_by_removed AS (
    SELECT h.kind, h.value
    FROM held_values AS h
    SEMI JOIN work.deletion_plan AS p ON p.table_name = h.plan_table AND p.record_id = h.record_id
    WHERE h.value IS NOT NULL
),
held_by_kept AS (
    SELECT h.kind, h.value
    FROM held_values AS h
    SEMI JOIN held_by_removed AS r ON r.kind = h.kind AND r.value = h.value
    ANTI JOIN work.deletion_plan AS p ON p.table_name = h.plan_table AND p.record_id = h.record_id
)
SELECT 'mode' AS kind, mode AS value FROM work.retention_settings
UNION ALL
(SELECT kind, value FROM held_by_removed EXCEPT SELECT kind, value FROM held_by_kept);

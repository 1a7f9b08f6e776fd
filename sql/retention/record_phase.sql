INSERT INTO audit.deletions BY NAME
SELECT $run_id AS run_id, $phase AS phase, $table_name AS table_name, $action AS action, $rows AS rows,
       $outcome AS outcome, now() AS recorded_at

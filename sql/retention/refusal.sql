-- Why the plan of a run was refused by its gate (no row: it was not).
SELECT DISTINCT outcome FROM audit.deletions WHERE run_id = $run_id AND phase = 'plan' AND outcome LIKE 'refused: %'

INSERT INTO work.steps VALUES ($step, $started_at, $finished_at, $detail)

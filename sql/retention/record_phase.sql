INSERT INTO audit.deletions VALUES ($run_id, $phase, NULL, $table_name, $action, $rows, NULL, $outcome, now())

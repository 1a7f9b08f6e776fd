INSERT OR REPLACE INTO core.reports VALUES ($run_id, $path, now())

INSERT INTO work.policy_quiet_hours VALUES ($region, $allowed_from, $allowed_until)

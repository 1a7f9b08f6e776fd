INSERT INTO work.policy_purposes VALUES ($name, $consent_required)

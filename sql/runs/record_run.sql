INSERT INTO work.run VALUES ($run_id, $flow, now(), $parameters, $policy_sha256, $code_version, $versions, $policy)

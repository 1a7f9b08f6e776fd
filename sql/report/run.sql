SELECT run_id, flow, started_at, finished_at, status, parameters, inputs, policy_sha256, code_version, versions, policy
FROM work.report_runs

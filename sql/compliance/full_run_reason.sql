-- Why this run must check everything, or NULL: what the last check was made with differs.
SELECT CASE
    WHEN c.policy_sha256 IS NULL THEN 'nothing was checked before'
    WHEN c.policy_sha256 <> r.policy_sha256 THEN 'the policy changed'
    WHEN c.code_version <> r.code_version OR CAST(c.versions AS VARCHAR) <> CAST(r.versions AS VARCHAR)
        THEN 'the code or a library changed'
END
FROM work.run AS r
LEFT JOIN core.checked_run AS c ON true

-- Whether this run's compliance checks take everything, and why (listwarden/compliance.py).
CREATE OR REPLACE TABLE work.scope_mode AS SELECT CAST($everything AS BOOLEAN) AS everything, nullif($reason, '') AS reason

"""Default locations, relative to the directory a job runs in."""

WAREHOUSE = "var/warehouse.duckdb"
REPORTS = "var/reports"
POLICY = "policies/default.yaml"

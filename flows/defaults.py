"""Default locations: the warehouse and reports relative to the directory a job runs in; the
policy shipped with the package."""

from listwarden import resources

WAREHOUSE = "var/warehouse.duckdb"
REPORTS = "var/reports"
POLICY = str(resources.DEFAULT_POLICY)

from prefect import flow

from flows import defaults
from flows.accuracy import accuracy
from flows.compliance import compliance
from flows.ingest import ingest
from flows.optouts import optouts
from flows.retention import retention
from flows.run import run


@flow(name="nightly")
def nightly(
    source: str,
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
    retention_dry_run: bool = False,
    allow_large_deletion: bool = False,
) -> str:
    """The nightly governance run: ingest, accuracy, optouts, compliance, retention; publish
    (deletions applied); compact and verify; report."""
    parameters = {"source": source, "policy": policy, "warehouse": warehouse, "reports": reports,
                  "retention_dry_run": retention_dry_run, "allow_large_deletion": allow_large_deletion}
    with run("nightly", None, warehouse, policy, reports, parameters) as current:
        ingest(source, policy, warehouse, reports, run_id=current.run_id)
        accuracy(policy, warehouse, reports, run_id=current.run_id)
        optouts(policy, warehouse, reports, run_id=current.run_id)
        compliance(policy, warehouse, reports, run_id=current.run_id)
        retention(policy, warehouse, reports, dry_run=retention_dry_run, allow_large_deletion=allow_large_deletion,
                  run_id=current.run_id)
    return current.report

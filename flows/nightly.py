from prefect import flow

from flows import defaults
from flows.accuracy import accuracy
from flows.compliance import compliance
from flows.ingest import ingest
from flows.optouts import optouts
from flows.run import run


@flow(name="nightly")
def nightly(
    source: str,
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
) -> str:
    """The nightly governance run: ingest, accuracy, optouts, compliance; publish; report."""
    parameters = {"source": source, "policy": policy, "warehouse": warehouse, "reports": reports}
    with run("nightly", None, warehouse, policy, reports, parameters) as current:
        ingest(source, policy, warehouse, reports, run_id=current.run_id)
        accuracy(policy, warehouse, reports, run_id=current.run_id)
        optouts(policy, warehouse, reports, run_id=current.run_id)
        compliance(policy, warehouse, reports, run_id=current.run_id)
    return current.report

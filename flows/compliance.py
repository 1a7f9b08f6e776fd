from prefect import flow

from flows import defaults
from flows.run import run_job
from listwarden import jobs

JOB = jobs.JOBS["compliance"]


@flow(name=JOB.name, description=JOB.description)
def compliance(
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
    run_id: str | None = None,
    full: bool = False,
) -> str | None:
    parameters = {"policy": policy, "warehouse": warehouse, "reports": reports, "full": full}
    return run_job(JOB, run_id, warehouse, reports, policy, parameters, full=full)

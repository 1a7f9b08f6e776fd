from prefect import flow

from flows import defaults
from flows.run import run_job
from listwarden import jobs

JOB = jobs.JOBS["retention"]


@flow(name=JOB.name, description=JOB.description)
def retention(
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
    dry_run: bool = False,
    allow_large_deletion: bool = False,
    run_id: str | None = None,
) -> str | None:
    """A dry run publishes and reports the plan and deletes nothing. A plan its gate refuses (the
    share guard, say) deletes nothing either, but the run still publishes its findings and its
    report, then fails: a refused deletion must not hide the night's other results."""
    parameters = {"policy": policy, "warehouse": warehouse, "reports": reports, "dry_run": dry_run,
                  "allow_large_deletion": allow_large_deletion}
    return run_job(JOB, run_id, warehouse, reports, policy, parameters,
                    dry_run=dry_run, allow_large_deletion=allow_large_deletion)

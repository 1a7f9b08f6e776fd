from prefect import flow

from flows import defaults, tasks
from flows.accuracy import accuracy
from flows.compliance import compliance
from flows.ingest import ingest
from flows.optouts import optouts
from flows.retention import retention
from flows.run import run_of_its_own
from listwarden import jobs

SUBFLOWS = {"ingest": ingest, "accuracy": accuracy, "optouts": optouts, "compliance": compliance,
            "retention": retention}


@flow(name="nightly", description="The nightly governance run: " + ", ".join(job.name for job in jobs.NIGHTLY)
      + "; publish (deletions applied); compact and verify; report.")
def nightly(
    source: str,
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
    retention_dry_run: bool = False,
    allow_large_deletion: bool = False,
    full: bool = False,
) -> str:
    """Each job is a subflow of this run; all of them apply the policy the run recorded."""
    parameters = {"source": source, "policy": policy, "warehouse": warehouse, "reports": reports,
                  "retention_dry_run": retention_dry_run, "allow_large_deletion": allow_large_deletion, "full": full}
    options = {"source": source, "dry_run": retention_dry_run, "allow_large_deletion": allow_large_deletion, "full": full}

    def subflows(run_id: str, _) -> None:
        for job in jobs.NIGHTLY:
            subflow = SUBFLOWS[job.name]
            taken = {name: value for name, value in options.items() if name in subflow.parameters.properties}
            subflow(warehouse=warehouse, reports=reports, run_id=run_id, **taken)

    return run_of_its_own("nightly", tasks.PrefectRunner(warehouse, reports), policy, parameters, subflows)

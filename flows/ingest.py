from functools import partial
from pathlib import Path

from prefect import flow

from flows import defaults, tasks
from flows.run import run
from listwarden import ingest as engine
from listwarden.policy import load_policy


@flow(name="ingest")
def ingest(
    source: str,
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
    run_id: str | None = None,
) -> str | None:
    """Load the source tables into staging, through the ingest gates."""
    loaded_policy = load_policy(Path(policy))
    parameters = {"source": source, "policy": policy, "warehouse": warehouse, "reports": reports}
    with run("ingest", run_id, warehouse, policy, reports, parameters) as current:
        tasks.step(warehouse, "land sources", partial(engine.land, source=Path(source), policy=loaded_policy))
        tasks.gate(warehouse, "ingest.input")
        tasks.step(warehouse, "promote to staging", engine.promote)
        tasks.gate(warehouse, "ingest.output")
        tasks.step(warehouse, "minimisation checks", engine.check)
    return current.report

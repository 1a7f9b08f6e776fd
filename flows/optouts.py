from functools import partial
from pathlib import Path

from prefect import flow

from flows import defaults, tasks
from flows.run import run
from listwarden import optouts as engine
from listwarden.policy import load_policy


@flow(name="optouts")
def optouts(
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
    run_id: str | None = None,
) -> str | None:
    """Classify every inbound message: opt-out, opt-in, help, unclear (review queue) or other."""
    loaded_policy = load_policy(Path(policy))
    parameters = {"policy": policy, "warehouse": warehouse, "reports": reports}
    with run("optouts", run_id, warehouse, policy, reports, parameters) as current:
        tasks.gate(warehouse, "optouts.input")
        tasks.step(warehouse, "classify inbound", partial(engine.classify, policy=loaded_policy))
        tasks.gate(warehouse, "optouts.output")
    return current.report

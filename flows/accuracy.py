from functools import partial
from pathlib import Path

from prefect import flow

from flows import defaults, tasks
from flows.run import run
from listwarden import accuracy as engine
from listwarden.policy import load_policy


@flow(name="accuracy")
def accuracy(
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
    run_id: str | None = None,
) -> str | None:
    """Normalise every phone number of staging and check list accuracy."""
    loaded_policy = load_policy(Path(policy))
    parameters = {"policy": policy, "warehouse": warehouse, "reports": reports}
    with run("accuracy", run_id, warehouse, policy, reports, parameters) as current:
        tasks.gate(warehouse, "accuracy.input")
        tasks.step(warehouse, "normalise numbers", partial(engine.normalise, policy=loaded_policy))
        tasks.gate(warehouse, "accuracy.output")
        tasks.step(warehouse, "accuracy checks", partial(engine.check, policy=loaded_policy))
    return current.report

from functools import partial
from pathlib import Path

from prefect import flow

from flows import defaults, tasks
from flows.run import run
from listwarden import compliance as engine
from listwarden.policy import load_policy


@flow(name="compliance")
def compliance(
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
    run_id: str | None = None,
) -> str | None:
    """Check every message against consent at the moment it was sent."""
    loaded_policy = load_policy(Path(policy))
    parameters = {"policy": policy, "warehouse": warehouse, "reports": reports}
    with run("compliance", run_id, warehouse, policy, reports, parameters) as current:
        tasks.gate(warehouse, "compliance.input")
        tasks.step(warehouse, "prepare facts", partial(engine.prepare, policy=loaded_policy))
        tasks.step(warehouse, "compliance checks", partial(engine.check, policy=loaded_policy))
        tasks.step(warehouse, "sendable audience", partial(engine.audience, policy=loaded_policy))
        tasks.gate(warehouse, "compliance.output")
    return current.report

from functools import partial
from pathlib import Path

from prefect import flow

from flows import defaults, tasks
from flows.run import run
from listwarden import retention as engine
from listwarden.gates import GateFailed
from listwarden.policy import load_policy


@flow(name="retention")
def retention(
    policy: str = defaults.POLICY,
    warehouse: str = defaults.WAREHOUSE,
    reports: str = defaults.REPORTS,
    dry_run: bool = False,
    allow_large_deletion: bool = False,
    run_id: str | None = None,
) -> str | None:
    """Delete what the policy's retention rules say must go: plan, gate, apply, compact, verify.

    A dry run publishes and reports the plan and deletes nothing. A plan its gate refuses (the
    share guard, say) deletes nothing either, but the run still publishes its findings and its
    report, then fails: a refused deletion must not hide the night's other results.
    """
    loaded_policy = load_policy(Path(policy))
    parameters = {"policy": policy, "warehouse": warehouse, "reports": reports, "dry_run": dry_run,
                  "allow_large_deletion": allow_large_deletion}
    with run("retention", run_id, warehouse, policy, reports, parameters) as current:
        tasks.gate(warehouse, "retention.input")
        tasks.step(warehouse, "retention plan", partial(engine.plan, policy=loaded_policy, dry_run=dry_run,
                                                        allow_large_deletion=allow_large_deletion))
        tasks.step(warehouse, "retention checks", engine.check)
        if not dry_run:
            try:
                tasks.gate(warehouse, "retention.output")
            except GateFailed as refusal:
                tasks.step(warehouse, "retention refused", partial(engine.refuse, reason=str(refusal)))
    return current.report

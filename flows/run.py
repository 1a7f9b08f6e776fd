"""Run jobs as a Prefect flow: each job's items as tasks, inside a run's life (listwarden.jobs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prefect.runtime import flow_run

from flows import tasks
from listwarden import jobs, runs
from listwarden.policy import Policy, read_policy


def run_job(job: jobs.Job, run_id: str | None, warehouse: str, reports: str, policy: str, parameters: dict,
            **options) -> str | None:
    """A job called by nightly is part of nightly's run (run_id given) and applies the policy that
    run recorded; a job started on its own is a run of its own. Returns the report's path."""
    runner = tasks.PrefectRunner(warehouse, reports)

    def items(applied: Policy) -> None:
        jobs.run_items(job, jobs.Arguments(policy=applied, **options), runner)

    if run_id:
        items(tasks.recorded_policy(warehouse))
        return None
    return run_of_its_own(job.name, runner, policy, parameters, lambda _, loaded: items(loaded))


def run_of_its_own(flow: str, runner: tasks.PrefectRunner, policy: str, parameters: dict,
                   body: Callable[[str, Policy], None]) -> str:
    """Begin a run on the policy file as read once, run the body, publish and report."""
    loaded, policy_sha256 = read_policy(Path(policy))
    current = str(flow_run.get_id())
    with runs.exclusive(Path(runner.warehouse), current), \
            jobs.life(runner, current, flow, parameters, loaded, policy_sha256) as outcome:
        body(current, loaded)
    return outcome["report"]

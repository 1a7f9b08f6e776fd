"""Prefect tasks. Each opens the warehouse, calls the engine, and logs counts only.

Tasks keep no results and no cache: results and logs land in Prefect's database, and nothing
that could hold a phone number may go there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from listwarden import gates, report, retention, runs
from listwarden.policy import Policy
from listwarden.warehouse import open_warehouse

QUIET = {"cache_policy": NO_CACHE, "persist_result": False}


class PrefectRunner:
    """Runs a job's items and a run's life as the tasks below (listwarden.jobs.Runner)."""

    def __init__(self, warehouse: str, reports: str):
        self.warehouse, self.reports = warehouse, reports

    def gate(self, suite: str) -> None:
        gate(self.warehouse, suite)

    def step(self, name: str, work: Callable[[duckdb.DuckDBPyConnection], dict]) -> dict:
        return step(self.warehouse, name, work)

    def finish_deletions(self) -> dict:
        return finish_deletions(self.warehouse, self.reports)

    def write_missing_reports(self) -> None:
        write_missing_reports(self.warehouse, self.reports)

    def begin(self, run_id: str, flow: str, parameters: dict, policy: Policy, policy_sha256: str) -> None:
        begin_run(self.warehouse, run_id, flow, parameters, policy, policy_sha256)

    def publish(self) -> None:
        publish(self.warehouse)

    def report(self, run_id: str) -> str:
        from flows.report import report as report_flow  # a subflow of this run

        return report_flow(warehouse=self.warehouse, reports=self.reports, run_id=run_id)

    def raise_if_deletions_failed(self, run_id: str, finished: dict) -> None:
        raise_if_deletions_failed(self.warehouse, run_id, finished)


@task(name="begin run", **QUIET)
def begin_run(warehouse: str, run_id: str, flow: str, parameters: dict, policy: Policy, policy_sha256: str) -> None:
    with open_warehouse(warehouse) as connection:
        runs.begin(connection, run_id, flow, parameters, policy, policy_sha256)


@task(name="run policy", **QUIET)
def recorded_policy(warehouse: str) -> Policy:
    """The policy the run recorded when it began (a job of nightly's run applies that one)."""
    with open_warehouse(warehouse, read_only=True) as connection:
        return runs.recorded_policy(connection)


@task(name="gate", task_run_name="gate {gate_name}", **QUIET)
def gate(warehouse: str, gate_name: str) -> dict:
    with open_warehouse(warehouse) as connection:
        try:
            outcomes = gates.check(connection, gate_name)
        except gates.GateFailed as failure:
            create_markdown_artifact(key="gate-failure", markdown=_failure_markdown(failure),
                                     description=f"gate {gate_name} stopped the run")
            raise
    warnings = sum(not outcome.success for outcome in outcomes)
    get_run_logger().info("%s: %d expectations, %d warnings", gate_name, len(outcomes), warnings)
    return {"expectations": len(outcomes), "warnings": warnings}


@task(name="step", task_run_name="{step}", **QUIET)
def step(warehouse: str, step: str, work: Callable[[duckdb.DuckDBPyConnection], dict]) -> dict:
    """Run one engine function, recorded in the run's steps with the counts it returns."""
    with open_warehouse(warehouse) as connection, runs.step(connection, step) as detail:
        detail.update(work(connection))
    get_run_logger().info("%s: %s", step, detail)
    return detail


@task(name="publish", **QUIET)
def publish(warehouse: str) -> str:
    with open_warehouse(warehouse) as connection:
        run_id = runs.publish(connection)
    get_run_logger().info("published run %s to core and audit", run_id)
    return run_id


@task(name="finish deletions", **QUIET)
def finish_deletions(warehouse: str, reports: str) -> dict:
    """Compact and verify after applied deletions (this run's, or an interrupted run's)."""
    detail = retention.finish(Path(warehouse), Path(reports))
    if detail:
        get_run_logger().info("deletions finished: %s", detail)
    return detail


@task(name="check deletions", **QUIET)
def raise_if_deletions_failed(warehouse: str, run_id: str, finished: dict) -> None:
    """Fail the run, after it published and reported, when its retention plan was refused or
    the deletions did not verify."""
    with open_warehouse(warehouse, read_only=True) as connection:
        retention.raise_if_failed(connection, run_id, finished)


@task(name="write missing reports", **QUIET)
def write_missing_reports(warehouse: str, reports: str) -> list[str]:
    """Reports of earlier runs that published but were stopped before they reported."""
    with open_warehouse(warehouse) as connection:
        written = report.write_missing(connection, Path(reports))
    if written:
        get_run_logger().info("wrote the missing reports of %d earlier runs", len(written))
    return written


@task(name="write report", **QUIET)
def write_report(warehouse: str, reports: str, run_id: str | None) -> str:
    with open_warehouse(warehouse) as connection:
        run_id = runs.published_run_id(connection, run_id)
        path, data = report.publish(connection, run_id, Path(reports))
    create_markdown_artifact(key="listwarden-report", markdown=report.markdown_summary(data, path),
                             description=f"listwarden run {run_id}")
    get_run_logger().info("report written to %s", path)
    return str(path)


def _failure_markdown(failure: gates.GateFailed) -> str:
    lines = [f"# Gate {failure.gate} stopped the run", "", "| table | column | expectation | rows | why |",
             "|---|---|---|---:|---|"]
    lines += [
        f"| {f.table_name} | {f.column_name or ''} | {f.expectation} | {f.unexpected_count or ''} | {f.description} |"
        for f in failure.failures
    ]
    return "\n".join(lines) + "\n"

"""Jobs as data: each job's gates and steps in order, and a run's life, declared once.

A runner decides how each item runs: the Prefect flows run every item as a task of its own
(flows/tasks.py), `DirectRunner` runs them in this process on one connection (tests, benchmarks).
Nothing else spells out the order.

A run's life: finish the deletions of an earlier run stopped after it published, write the
reports such runs missed, begin (a fresh `work`, the policy recorded), the jobs' items, publish
(deletions applied), finish the deletions (compact, verify), report, and fail last if the
deletions were refused or did not verify.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

from listwarden import accuracy, checks, compliance, gates, ingest, optouts, report, retention, runs, warehouse
from listwarden.policy import Policy


@dataclass(frozen=True)
class Arguments:
    """What a job's steps are given: the run's policy (as recorded) and the command's options."""

    policy: Policy
    source: Path | None = None
    dry_run: bool = False
    allow_large_deletion: bool = False
    subject: str | None = None
    contact_key: str | None = None
    full: bool = False  # re-check everything, not only what changed since the last check


Work = Callable[[duckdb.DuckDBPyConnection, Arguments], dict]


@dataclass(frozen=True)
class Step:
    name: str
    work: Work


@dataclass(frozen=True)
class Checks:
    """The job's checks (every registered check that names this job), then an optional script."""

    name: str
    then: str | None = None


@dataclass(frozen=True)
class Gate:
    suite: str
    skipped: Callable[[Arguments], bool] | None = None
    # A refusable gate: its failure is recorded by this step (given the reason) and the run goes on.
    refused: tuple[str, Callable[[duckdb.DuckDBPyConnection, str], dict]] | None = None


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    items: tuple[Step | Checks | Gate, ...]

    @property
    def runs_checks(self) -> bool:
        return any(isinstance(item, Checks) for item in self.items)


INGEST = Job("ingest", "Load the source tables into staging, through the ingest gates.", (
    Step("land sources", lambda connection, a: ingest.land(connection, a.source, a.policy)),
    Gate("ingest.input"),
    Step("promote to staging", lambda connection, a: ingest.promote(connection, a.policy)),
    Gate("ingest.output"),
    Checks("minimisation checks"),
))
ACCURACY = Job("accuracy", "Normalise every phone number of staging and check list accuracy.", (
    Gate("accuracy.input"),
    Step("normalise numbers", lambda connection, a: accuracy.normalise(connection, a.policy)),
    Gate("accuracy.output"),
    Checks("accuracy checks"),
))
OPTOUTS = Job("optouts", "Classify every inbound message: opt-out, opt-in, help, unclear (review queue) or other.", (
    Gate("optouts.input"),
    Step("classify inbound", lambda connection, a: optouts.classify(connection, a.policy)),
    Gate("optouts.output"),
))
COMPLIANCE = Job("compliance", "Check messages against consent at the moment they were sent: what changed since the last check, or everything.", (
    Gate("compliance.input"),
    Step("scope", lambda connection, a: compliance.scope(connection, a.policy, full=a.full)),
    Step("prepare facts", lambda connection, a: compliance.prepare(connection, a.policy)),
    Checks("compliance checks", then="compliance/fill_message_subjects"),
    Step("sendable audience", lambda connection, a: compliance.audience(connection, a.policy)),
    Gate("compliance.output"),
))
RETENTION = Job("retention", "Delete what the retention rules say must go: plan, gate, apply, compact, verify.", (
    Gate("retention.input"),
    Step("retention plan", lambda connection, a: retention.plan(
        connection, a.policy, dry_run=a.dry_run, allow_large_deletion=a.allow_large_deletion)),
    Checks("retention checks"),
    # A dry run deletes nothing, so its plan is not gated; a refused plan deletes nothing either,
    # but the run still publishes its findings and its report, then fails.
    Gate("retention.output", skipped=lambda a: a.dry_run, refused=("retention refused", retention.refuse)),
))
ERASURE = Job("erasure", "Erase one person everywhere, on request, and write a deletion certificate.", (
    Step("erasure plan", lambda connection, a: retention.plan_erasure(
        connection, a.policy, subject=a.subject, contact_key=a.contact_key)),
    Gate("retention.output"),
))
JOBS = {job.name: job for job in (INGEST, ACCURACY, OPTOUTS, COMPLIANCE, RETENTION, ERASURE)}
NIGHTLY = (INGEST, ACCURACY, OPTOUTS, COMPLIANCE, RETENTION)


class JobError(RuntimeError):
    """The registries do not fit together: a check no job would run, say."""


def check_registries() -> None:
    """Every check names a job that runs checks: a check that never runs must not look met."""
    for check in checks.CHECKS:
        job = JOBS.get(check.job)
        if job is None or not job.runs_checks:
            running = ", ".join(name for name, job in JOBS.items() if job.runs_checks)
            raise JobError(f"check {check.name}: job {check.job!r} runs no checks (jobs that do: {running})")


class Runner(Protocol):
    def gate(self, suite: str) -> None: ...
    def step(self, name: str, work: Callable[[duckdb.DuckDBPyConnection], dict]) -> dict: ...
    def finish_deletions(self) -> dict: ...
    def write_missing_reports(self) -> None: ...
    def begin(self, run_id: str, flow: str, parameters: dict, policy: Policy, policy_sha256: str) -> None: ...
    def publish(self) -> None: ...
    def report(self, run_id: str) -> str | None: ...
    def raise_if_deletions_failed(self, run_id: str, finished: dict) -> None: ...


def run_items(job: Job, arguments: Arguments, runner: Runner) -> None:
    for item in job.items:
        if isinstance(item, Gate):
            _gate(item, arguments, runner)
        elif isinstance(item, Checks):
            runner.step(item.name, lambda connection, item=item: _checks(connection, job.name, item, arguments.policy))
        else:
            runner.step(item.name, lambda connection, item=item: item.work(connection, arguments))


@contextmanager
def life(runner: Runner, run_id: str, flow: str, parameters: dict, policy: Policy,
         policy_sha256: str) -> Iterator[dict]:
    """A run from begin to report; the body runs the jobs' items. Yields a dict that holds, once
    the run is reported, what finishing its deletions did and the report's path."""
    runner.finish_deletions()  # of an earlier run, stopped after it published
    runner.write_missing_reports()
    runner.begin(run_id, flow, parameters, policy, policy_sha256)
    outcome: dict = {}
    yield outcome
    runner.publish()
    outcome["deletions"] = runner.finish_deletions()
    outcome["report"] = runner.report(run_id)
    runner.raise_if_deletions_failed(run_id, outcome["deletions"])


def _gate(gate: Gate, arguments: Arguments, runner: Runner) -> None:
    if gate.skipped and gate.skipped(arguments):
        return
    try:
        runner.gate(gate.suite)
    except gates.GateFailed as refusal:
        if gate.refused is None:
            raise
        name, refuse = gate.refused
        reason = str(refusal)
        runner.step(name, lambda connection: refuse(connection, reason))


def _checks(connection: duckdb.DuckDBPyConnection, job: str, item: Checks, policy: Policy) -> dict:
    found = checks.run_checks(connection, job, policy)
    if item.then:
        warehouse.run(connection, item.then)
    return {"findings": found}


class DirectRunner:
    """Runs a run in this process: gates and steps on one connection, closed for the deletions'
    compaction. Without `reports` (tests of runs that delete nothing and read no report) no
    deletions are finished and no report is written."""

    def __init__(self, warehouse_path: Path, reports: Path | None = None, with_gates: bool = True):
        self.warehouse_path, self.reports, self.with_gates = Path(warehouse_path), reports, with_gates
        self._open = ExitStack()
        self.connection: duckdb.DuckDBPyConnection | None = None

    def gate(self, suite: str) -> None:
        if self.with_gates:
            gates.check(self.connect(), suite)

    def step(self, name: str, work: Callable[[duckdb.DuckDBPyConnection], dict]) -> dict:
        with runs.step(self.connect(), name) as detail:
            detail.update(work(self.connect()))
        return detail

    def finish_deletions(self) -> dict:
        self.close()
        return retention.finish(self.warehouse_path, self.reports) if self.reports else {}

    def write_missing_reports(self) -> None:
        if self.reports:
            report.write_missing(self.connect(), self.reports)

    def begin(self, run_id: str, flow: str, parameters: dict, policy: Policy, policy_sha256: str) -> None:
        runs.begin(self.connect(), run_id, flow, parameters, policy, policy_sha256)

    def publish(self) -> None:
        runs.publish(self.connect())

    def report(self, run_id: str) -> str | None:
        if not self.reports:
            return None
        path, _ = report.publish(self.connect(), run_id, self.reports)
        return str(path)

    def raise_if_deletions_failed(self, run_id: str, finished: dict) -> None:
        try:
            retention.raise_if_failed(self.connect(), run_id, finished)
        finally:
            self.close()

    def connect(self) -> duckdb.DuckDBPyConnection:
        """The runner's connection, opened if it is not."""
        if self.connection is None:
            self.connection = self._open.enter_context(warehouse.open_warehouse(self.warehouse_path))
        return self.connection

    def close(self) -> None:
        self._open.close()
        self.connection = None


def run_direct(warehouse_path: Path, jobs: tuple[Job, ...], arguments: Arguments, run_id: str, flow: str,
               policy_sha256: str, reports: Path | None = None, with_gates: bool = True) -> dict:
    """A whole run of these jobs in this process; returns the outcome (the report's path)."""
    runner = DirectRunner(warehouse_path, reports, with_gates)
    try:
        with life(runner, run_id, flow, {}, arguments.policy, policy_sha256) as outcome:
            for job in jobs:
                run_items(job, arguments, runner)
    finally:
        runner.close()
    return outcome


check_registries()

"""A run's life in the warehouse: begin (a fresh `work` schema), record steps, publish.

Jobs read and write `work`. It starts as views over `core`, so a job run on its own reads
what the last run published; a job that computes a table replaces the view. Publishing
copies the run's tables into `core` and its records into `audit`, in one transaction: a run
that stops at a gate or an error changes neither.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import duckdb

from listwarden import __version__, audit, faults, report, retention, warehouse
from listwarden.policy import Policy

# Each table a run publishes to core, and the columns that name one of its rows.
CORE_TABLES = {
    "contacts": ("contact_id",),
    "inbound": ("inbound_id",),
    "consent_state": ("contact_id", "purpose"),
    "suppression": ("subject",),
    "sendable": ("purpose", "contact_id"),
}
RECORDED_LIBRARIES = ("phonenumbers", "duckdb", "great-expectations", "prefect", "polars")


@contextmanager
def exclusive(warehouse_path: Path, run_id: str) -> Iterator[None]:
    """Hold the warehouse for one run from begin to report.

    Each task opens the warehouse for itself, so DuckDB's own lock is free between tasks; this
    advisory lock on `<warehouse>.lock` keeps another run (another process, or another flow in a
    `listwarden serve` process) from resetting `work` under a run in progress.
    """
    warehouse.keep_private()
    lock_path = Path(f"{warehouse_path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            raise warehouse.WarehouseError(
                f"{warehouse_path} is in use by run {lock.read().strip() or '(unknown)'}; one run at a time"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"{run_id} (PID {os.getpid()})")
        lock.flush()
        try:
            yield
        finally:
            lock.seek(0)
            lock.truncate()
            fcntl.flock(lock, fcntl.LOCK_UN)


def begin(
    connection: duckdb.DuckDBPyConnection,
    run_id: str,
    flow: str,
    parameters: dict,
    policy: Policy,
    policy_sha256: str,
) -> None:
    """A fresh `work`, and the run recorded with the policy it applies (as loaded, with the hash
    of the bytes it was loaded from)."""
    warehouse.run_script(connection, "runs/reset_work")
    for table in CORE_TABLES:
        warehouse.execute(connection, f"CREATE VIEW work.{table} AS SELECT * FROM core.{table}", table)
    warehouse.run(
        connection,
        "runs/record_run",
        run_id=run_id,
        flow=flow,
        parameters=json.dumps(parameters, sort_keys=True, default=str),
        policy_sha256=policy_sha256,
        policy=policy.model_dump_json(),
        code_version=code_version(),
        versions=json.dumps({name: metadata.version(name) for name in RECORDED_LIBRARIES}, sort_keys=True),
    )
    for purpose in policy.purposes:
        warehouse.run(connection, "runs/record_purpose", name=purpose.name, consent_required=purpose.consent_required)
    windows = {None: policy.quiet_hours, **policy.quiet_hours.country_overrides}
    for region, window in windows.items():
        warehouse.run(connection, "runs/record_quiet_hours", region=region,
                      allowed_from=window.allowed_from, allowed_until=window.allowed_until)


def recorded_policy(connection: duckdb.DuckDBPyConnection) -> Policy:
    """The policy the current run recorded when it began: every job of the run applies this one."""
    return Policy.model_validate_json(warehouse.run(connection, "runs/current_policy").fetchone()[0])


def run_id(connection: duckdb.DuckDBPyConnection) -> str:
    row = warehouse.run(connection, "runs/current_run").fetchone()
    if row is None:
        raise warehouse.WarehouseError("no run has begun in this warehouse")
    return row[0]


@contextmanager
def step(connection: duckdb.DuckDBPyConnection, name: str) -> Iterator[dict]:
    """Record a step of the run in work.steps; the caller fills the yielded detail dict."""
    started_at = datetime.now(UTC)
    detail: dict = {}
    yield detail
    warehouse.run(
        connection, "runs/record_step",
        step=name, started_at=started_at, finished_at=datetime.now(UTC),
        detail=json.dumps(detail, sort_keys=True, default=str),
    )


def replace_work_table(connection: duckdb.DuckDBPyConnection, table: str, query_name: str, parameters: dict) -> int:
    """Materialise a query as work.<table>, replacing the view over core; return its row count."""
    if warehouse.relation_kind(connection, "work", table) == "view":
        warehouse.execute(connection, f"DROP VIEW work.{table}", table)
    with warehouse.uncompressed(connection):
        warehouse.execute(
            connection,
            f"CREATE OR REPLACE TABLE work.{table} AS {warehouse.sql_text(query_name)}",
            query_name,
            parameters,
        )
    return warehouse.count_rows(connection, "work", table)


def publish(connection: duckdb.DuckDBPyConnection) -> str:
    """Copy the run's work tables to core and its records to audit, and apply a retention or
    erasure plan the run made, all or nothing. The run's report is made (and gated) before the
    transaction commits: a run whose report could not be made changes nothing."""
    current = run_id(connection)
    with warehouse.transaction(connection):
        for table, key in CORE_TABLES.items():
            if warehouse.relation_kind(connection, "work", table) == "table":
                _publish_table(connection, table, key)
        warehouse.run_script(connection, "runs/publish_audit")
        if warehouse.relation_kind(connection, "work", "scope_mode") == "table":
            warehouse.run_script(connection, "runs/publish_checked")
        if retention.planned(connection):
            retention.apply(connection)
            warehouse.run_script(connection, "runs/close_deleted_findings")
        audit.seal(connection)
        report.prepare(connection, current, in_transaction=True)
    faults.crash_point("published")
    return current


def _publish_table(connection: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...]) -> None:
    """Replace in core.<table> the row of every key that the run changed."""
    columns, computed = _columns(connection, "core", table), _columns(connection, "work", table)
    if sorted(columns) != sorted(computed):
        raise warehouse.WarehouseError(f"work.{table} has columns {computed}, core.{table} has {columns}")

    def match(left: str, right: str) -> str:
        return " AND ".join(f"{left}.{column} IS NOT DISTINCT FROM {right}.{column}" for column in key)

    script = warehouse.sql_text("runs/publish_table").format(
        table=table,
        columns=", ".join(columns),
        key=", ".join(key),
        either_key=", ".join(f"coalesce(w.{column}, c.{column}) AS {column}" for column in key),
        work_core_match=match("w", "c"),
        core_key_match=match("c", "k"),
    )
    warehouse.execute(connection, script, f"publish {table}")


def _columns(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    return [row[0] for row in warehouse.run(connection, "runs/table_columns", schema_name=schema, table_name=table)
            .fetchall()]


def published_run_id(connection: duckdb.DuckDBPyConnection, run_id: str | None = None) -> str:
    """The run asked for, or else the latest published one."""
    row = (run_id,) if run_id else warehouse.run(connection, "runs/latest_published").fetchone()
    if row is None:
        raise warehouse.WarehouseError("no published run in this warehouse yet: run `listwarden run nightly` first")
    return row[0]


def code_version() -> str:
    """The package version, and the git commit when the code runs from a checkout."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).parent, capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+{commit}"

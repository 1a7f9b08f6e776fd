"""Retention and erasure: plan what is due, gate the plan, apply it in one transaction, then
compact the warehouse into a new file so that deleted values are gone from its bytes, and verify.

plan / plan_erasure write the plan to `work` (the retention.output gate reads it). `apply` runs
inside publish's transaction. `finish` runs after publish, in the same run: it rewrites export
and report files, compacts and verifies; a run that finds an applied but uncompacted deletion
(a crash after apply) finishes it.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from listwarden import audit, export, faults, report, retention_rules, warehouse
from listwarden.policy import Policy


@dataclass(frozen=True)
class Removal:
    """A table that apply deletes from: its rows whose `key` is a record of the plan's
    `plan_table`. `holds` names its columns that can hold a deleted number or id, by kind.

    This one declaration is what a deletion removes, for apply (the DELETE), for the values
    verification must then find nowhere (those of removed rows that no kept row still holds: a
    number a kept contact shares stays), and for verification itself."""

    table: str
    key: str
    plan_table: str
    holds: tuple[tuple[str, str], ...] = ()  # (kind, column)


# In the order apply deletes: consent events leave staging only after they are copied to
# core.consent_proof.
REMOVALS = (
    Removal("core.consent_proof", "event_id", "consent_proof"),
    Removal("staging.contacts", "contact_id", "contacts", (("contact_id", "contact_id"), ("number", "phone"))),
    Removal("core.contacts", "contact_id", "contacts", (("contact_id", "contact_id"), ("number", "e164"))),
    Removal("core.consent_state", "contact_id", "contacts", (("contact_id", "contact_id"),)),
    Removal("core.sendable", "contact_id", "contacts", (("contact_id", "contact_id"), ("number", "e164"))),
    Removal("staging.consents", "event_id", "consents", (("contact_id", "contact_id"),)),
    Removal("staging.messages", "message_id", "messages",
            (("message_id", "message_id"), ("contact_id", "contact_id"), ("number", "to_phone"))),
    Removal("staging.inbound", "inbound_id", "inbound", (("inbound_id", "inbound_id"), ("number", "from_phone"))),
    Removal("core.inbound", "inbound_id", "inbound", (("inbound_id", "inbound_id"), ("number", "e164"))),
    Removal("core.review_decisions", "inbound_id", "inbound", (("inbound_id", "inbound_id"),)),
    Removal("staging.deactivations", "phone", "deactivations", (("number", "phone"),)),
    Removal("cache.numbers", "subject", "cache", (("number", "raw"), ("number", "e164"))),
)
ID_KINDS = ("contact_id", "message_id", "inbound_id")
REDACTIONS = ("retention/redact_violations", "retention/redact_review_queue")
# Kinds of erasure.pending rows that say what to do rather than what was deleted.
NOT_VALUES = ("report_run", "mode")
# Shorter values cannot be told apart from other bytes of a file.
SHORTEST_SCANNED = 6


def plan(connection: duckdb.DuckDBPyConnection, policy: Policy, dry_run: bool = False,
         allow_large_deletion: bool = False) -> dict:
    """What every retention rule selects as of the run's start, and what it takes with it."""
    _settings(connection, policy, "retention", dry_run, allow_large_deletion)
    _select(connection, on_request=False, parameters={})
    return _plan(connection)


def plan_erasure(connection: duckdb.DuckDBPyConnection, policy: Policy, subject: str | None = None,
                 contact_key: str | None = None) -> dict:
    """Everything held on one person: the contacts with the number (`subject`, its keyed hash) or
    the contact named by `contact_key` (the keyed hash of its id), and their messages."""
    if not subject and not contact_key:
        raise ValueError("an erasure request names a subject or a contact key")
    contact_ids = _contacts_with_key(connection, contact_key) if contact_key else []
    # One person: the share guard does not apply (the gate checks the plan names one number).
    _settings(connection, policy, "erasure", dry_run=False, allow_large_deletion=True)
    _select(connection, on_request=True, parameters={"subject": subject, "contact_ids": contact_ids})
    return _plan(connection)


class DeletionRefused(RuntimeError):
    """The plan's gate refused the deletions; the run published everything else."""


def refuse(connection: duckdb.DuckDBPyConnection, reason: str) -> dict:
    """Keep the refused plan for the audit trail and the report, and delete nothing."""
    warehouse.run(connection, "retention/refuse", reason=reason)
    return {"refused": True}


def planned(connection: duckdb.DuckDBPyConnection) -> bool:
    return warehouse.relation_kind(connection, "work", "deletion_plan") == "table"


def apply(connection: duckdb.DuckDBPyConnection) -> None:
    """Record the plan and (unless a dry run) apply it. Runs inside publish's transaction.

    Retention keeps the record ids in the audit trail's findings (they are how an auditor follows
    a finding up); records deleted on an erasure request lose them there too.
    """
    warehouse.run(connection, "retention/record_plan")
    dry_run, refusal = warehouse.execute(
        connection, "SELECT dry_run, refusal FROM work.retention_settings", "settings").fetchone()
    run_id = warehouse.run(connection, "runs/current_run").fetchone()[0]
    if not warehouse.count_rows(connection, "work", "deletion_plan"):
        _record(connection, run_id, "plan", None, "nothing due", 0)
        return
    if dry_run or refusal:
        return
    define_held_values(connection)
    warehouse.run_script(connection, "retention/pending_values")
    kept = warehouse.run(connection, "retention/keep_consent_proof").fetchone()[0]
    _record(connection, run_id, "apply", "core.consent_proof", "kept as proof", kept)
    warehouse.run(connection, "retention/record_deleted_subjects")
    warehouse.run(connection, "retention/record_rescope")
    for removal in REMOVALS:
        _delete(connection, removal)
    faults.crash_point("apply")
    added = warehouse.run(connection, "retention/add_suppression").fetchone()[0]
    _record(connection, run_id, "apply", "core.suppression", "added", added)
    warehouse.run(connection, "retention/report_runs")
    for script in REDACTIONS:
        warehouse.run_script(connection, script)


class DeletionNotVerified(RuntimeError):
    """Deletions were applied and compacted, but a deleted value is still found: the run is
    published and reported, and fails."""


def finish(warehouse_path: Path, reports_dir: Path) -> dict:
    """Complete applied deletions: rewrite export and report files, compact, verify.

    Does nothing when no applied deletion waits for its compaction. The outcome is recorded for
    every run it finishes; `verified` says whether verification found nothing left.
    """
    path = Path(warehouse_path)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with warehouse.open_warehouse(path) as connection:
        pending_runs = [row[0] for row in warehouse.run(connection, "retention/pending").fetchall()]
        if not pending_runs:
            return {}
        values = _pending_values(connection)
        connection.register("erased_values", values)
        exports = _rewrite_exports(connection)
        rewritten = []
        for (run_id,) in warehouse.run(connection, "retention/report_runs_to_rewrite").fetchall():
            if (Path(reports_dir) / run_id).is_dir():
                report.publish(connection, run_id, Path(reports_dir))
                rewritten.append(run_id)
        connection.unregister("erased_values")
        with warehouse.transaction(connection):
            for run_id in pending_runs:
                _record(connection, run_id, "files", "export files", "lines removed", exports)
                _record(connection, run_id, "files", "report files", "rewritten", len(rewritten))
            audit.seal(connection)
        warehouse.run_script(connection, "retention/drop_pending")
        warehouse.run_script(connection, "runs/reset_work")
        seconds["files"] = time.perf_counter() - started
        compacted = _compact(connection, path, pending_runs)
    faults.crash_point("compact")
    os.replace(compacted, path)
    _sync_directory(path.parent)
    faults.crash_point("replace")
    _clear_spill_files(path)
    seconds["compact"] = time.perf_counter() - started - seconds["files"]
    outcome, verified = verify(path, values, [Path(reports_dir)])
    seconds["verify"] = time.perf_counter() - started - seconds["files"] - seconds["compact"]
    with warehouse.open_warehouse(path) as connection, warehouse.transaction(connection):
        for run_id in pending_runs:
            _record(connection, run_id, "verify", path.name, "verified" if verified else "failed", None, outcome)
        audit.seal(connection)
    return {"runs": len(pending_runs), "export_lines_removed": exports, "reports_rewritten": len(rewritten),
            "verified": verified, "verification": outcome,
            "seconds": {phase: round(spent, 1) for phase, spent in seconds.items()}}


def raise_if_failed(connection: duckdb.DuckDBPyConnection, run_id: str, finished: dict) -> None:
    """Fail a run, after it published and reported, when its retention plan was refused or the
    deletions it finished (its own, or an interrupted run's) did not verify."""
    refusal = warehouse.run(connection, "retention/refusal", run_id=run_id).fetchone()
    if refusal:
        raise DeletionRefused(f"run {run_id} published, nothing deleted: {refusal[0]}")
    if finished and not finished["verified"]:
        raise DeletionNotVerified(f"run {run_id} published and deleted, but the deletions did not verify: "
                                  f"{finished['verification']}")


def verify(path: Path, values: pa.Table, other_places: list[Path]) -> tuple[str, bool]:
    """Is the compacted warehouse the only copy, free of every deleted value? (outcome, verified).

    Checks no WAL, spill file or partial copy is left, no row holds a deleted id or number, and,
    when the warehouse is plaintext (a test setting), that no file holds one in its bytes.
    """
    leftovers = [p.name for p in (_wal(path), _compact_path(path)) if p.exists()]
    leftovers += [p.name for p in _spill_dir(path).glob("*")] if _spill_dir(path).is_dir() else []
    erasure_mode = _erasure_mode(values)
    with warehouse.open_warehouse(path, read_only=True) as connection:
        define_held_values(connection)
        connection.register("erased_values", values)
        remaining = [(table, found) for table, found in warehouse.run(
            connection, "retention/verify_rows", audit_redacted=erasure_mode, id_kinds=list(ID_KINDS)).fetchall() if found]
        connection.unregister("erased_values")
        exports = [Path(row[0]) for row in warehouse.run(connection, "retention/exports").fetchall()]
    looked_for = len(values) - pc.sum(pc.is_in(values.column("kind"), pa.array(NOT_VALUES)), min_count=0).as_py()
    problems = [f"left beside it: {', '.join(leftovers)}"] if leftovers else []
    problems += [f"{table}: {found} rows still hold a deleted value" for table, found in remaining]
    if warehouse.plaintext():
        files = [path, *exports, *(f for place in other_places if place.is_dir() for f in place.rglob("*"))]
        holding = _files_holding(files, values, erasure_mode)
        problems += [f"{name} holds deleted values in its bytes" for name in holding]
        scope = f"{looked_for} values looked for in every table and in the bytes of {len(files)} files"
    else:
        scope = f"{looked_for} values looked for in every table; the file is encrypted and is the only copy"
    if problems:
        return "; ".join(problems), False
    return f"no deleted value left: {scope}", True


def _settings(connection: duckdb.DuckDBPyConnection, policy: Policy, mode: str, dry_run: bool,
              allow_large_deletion: bool) -> None:
    warehouse.run(connection, "retention/settings", mode=mode, dry_run=dry_run,
                  allow_large_deletion=allow_large_deletion, retention=policy.retention.model_dump())
    warehouse.run(connection, "retention/rules_table", rules=retention_rules.table_rows())
    warehouse.run_script(connection, "retention/reset_candidates")


def _select(connection: duckdb.DuckDBPyConnection, on_request: bool, parameters: dict) -> None:
    """Add what each rule of the plan (the erasure request's, or the retention run's) selects to
    work.retention_candidates."""
    for rule in retention_rules.RULES:
        if rule.on_request == on_request:
            warehouse.execute(
                connection,
                f"INSERT INTO work.retention_candidates SELECT $rule, * FROM ({warehouse.sql_text(rule.query)})",
                rule.query,
                {**parameters, "rule": rule.name},
            )


def _plan(connection: duckdb.DuckDBPyConnection) -> dict:
    with warehouse.uncompressed(connection):
        warehouse.run_script(connection, "retention/plan")
    return {f"planned_{table}": rows for table, rows in warehouse.run(connection, "retention/plan_counts").fetchall()}


def _contacts_with_key(connection: duckdb.DuckDBPyConnection, contact_key: str) -> list[str]:
    return [row[0] for row in warehouse.run(connection, "retention/contact_ids", contact_key=contact_key).fetchall()]


def define_held_values(connection: duckdb.DuckDBPyConnection) -> None:
    """The temporary view held_values (table_name, plan_table, record_id, kind, value): per row of
    every removal table, its key as kind 'record:<plan table>' and each number or id it holds."""
    branches = [
        f"SELECT '{removal.table}' AS table_name, '{removal.plan_table}' AS plan_table, {removal.key} AS record_id, "
        f"{kind} AS kind, {column} AS value FROM {removal.table}"
        for removal in REMOVALS
        for kind, column in ((f"'record:{removal.plan_table}'", removal.key),
                             *((f"'{kind}'", column) for kind, column in removal.holds))
    ]
    warehouse.execute(connection, "CREATE OR REPLACE TEMP VIEW held_values AS " + " UNION ALL ".join(branches),
                      "held_values")


def _delete(connection: duckdb.DuckDBPyConnection, removal: Removal) -> None:
    """Delete the planned rows of a table, recording the rows per rule first."""
    table, key, plan_table = removal.table, removal.key, removal.plan_table
    planned_rows = f"""
        FROM {table} AS t
        JOIN work.deletion_plan AS p ON p.table_name = $plan_table AND p.record_id = t.{key}"""
    warehouse.execute(
        connection,
        f"""INSERT INTO audit.deletions BY NAME
        SELECT (SELECT run_id FROM work.run) AS run_id, 'apply' AS phase, p.rule, '{table}' AS table_name,
               'delete' AS action, count(*) AS rows,
               count(DISTINCT p.subject) AS subjects, 'applied' AS outcome, now() AS recorded_at
        {planned_rows}
        GROUP BY p.rule ORDER BY p.rule""",
        f"record deletions from {table}", {"plan_table": plan_table},
    )
    warehouse.execute(
        connection,
        f"DELETE FROM {table} WHERE {key} IN (SELECT record_id FROM work.deletion_plan WHERE table_name = $plan_table)",
        f"delete from {table}", {"plan_table": plan_table},
    )


def _record(connection: duckdb.DuckDBPyConnection, run_id: str, phase: str, table_name: str | None, action: str,
            rows: int | None, outcome: str = "done") -> None:
    warehouse.run(connection, "retention/record_phase", run_id=run_id, phase=phase, table_name=table_name,
                  action=action, rows=rows, outcome=outcome)


def _pending_values(connection: duckdb.DuckDBPyConnection) -> pa.Table:
    """The raw values pending verification (kind, value), held in this process's memory only from
    here on, as one Arrow table (no Python object per value)."""
    if warehouse.relation_kind(connection, "erasure", "pending") is None:
        # An earlier attempt dropped them before it was interrupted.
        return pa.table({"kind": pa.array([], pa.string()), "value": pa.array([], pa.string())})
    return warehouse.run(connection, "retention/read_pending").fetch_arrow_table()


def _rewrite_exports(connection: duckdb.DuckDBPyConnection) -> int:
    """Remove the deleted contacts' lines from every export file listwarden wrote; lines removed.
    The caller has registered erased_values."""
    removed = 0
    for path_text, rows in warehouse.run(connection, "retention/exports").fetchall():
        path = Path(path_text)
        if not path.is_file():
            continue
        kept = export.write_private_csv(connection, "retention/rewrite_export", {"path": str(path)}, path)
        if kept != rows:
            warehouse.run(connection, "retention/update_export", path=path_text, rows=kept)
            removed += rows - kept
    return removed


def _compact(connection: duckdb.DuckDBPyConnection, path: Path, pending_runs: list[str]) -> Path:
    """Copy the warehouse into a new file (deleted rows are not copied); return its path."""
    compacted = _compact_path(path)
    for leftover in (compacted, _wal(compacted)):
        leftover.unlink(missing_ok=True)
    warehouse.attach(connection, compacted, "compacted")
    started = time.perf_counter()
    warehouse.execute(connection, f"COPY FROM DATABASE {warehouse.CATALOG} TO compacted", "compact")
    cost = f"done in {time.perf_counter() - started:.1f} s, {compacted.stat().st_size / 2**20:,.0f} MiB written"
    warehouse.configure_session(connection, "compacted")
    with warehouse.transaction(connection):
        for run_id in pending_runs:
            _record(connection, run_id, "compact", path.name, "rewritten into a new file", None, cost)
        audit.seal(connection)
    warehouse.configure_session(connection)
    connection.execute("DETACH compacted")
    return compacted


def _compact_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.compact")


def _wal(path: Path) -> Path:
    return path.with_name(f"{path.name}.wal")


def _spill_dir(path: Path) -> Path:
    return path.with_name(f"{path.name}.tmp")


def _clear_spill_files(path: Path) -> None:
    if _spill_dir(path).is_dir():
        for spill in _spill_dir(path).glob("*"):
            spill.unlink()


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _erasure_mode(values: pa.Table) -> bool:
    """Were these deletions an erasure request (ids are then redacted from the audit trail too)?"""
    return pc.any(pc.and_(pc.equal(values.column("kind"), "mode"), pc.equal(values.column("value"), "erasure"))).as_py()


def _files_holding(files: list[Path], values: pa.Table, erasure_mode: bool) -> list[str]:
    """Names of the files whose bytes contain a deleted number, or (after an erasure request) a
    deleted id; never which value. Plaintext test warehouses only: small."""
    scanned = ("number", *ID_KINDS) if erasure_mode else ("number",)
    needles = sorted({value.encode() for kind, value in zip(values.column("kind").to_pylist(),
                                                             values.column("value").to_pylist())
                      if kind in scanned and len(value) >= SHORTEST_SCANNED})
    patterns = [re.compile(b"|".join(re.escape(n) for n in needles[i:i + 2000])) for i in range(0, len(needles), 2000)]
    holding = []
    for file in files:
        if not file.is_file():
            continue
        data = file.read_bytes()
        if any(pattern.search(data) for pattern in patterns):
            holding.append(file.name)
    return holding

"""Helpers for tests: write small sources in the data contract, run the engine without Prefect."""

from __future__ import annotations

import csv
from pathlib import Path

from listwarden import jobs
from listwarden.contract import TABLES_BY_NAME
from listwarden.policy import Policy
from listwarden.warehouse import open_warehouse

POLICY_FILE = Path(__file__).resolve().parent.parent / "policies" / "default.yaml"
POLICY_SHA256 = "test-policy"


def write_table(directory: Path, table: str, rows: list[dict], columns: tuple[str, ...] | None = None) -> Path:
    """A CSV of the table's contract columns (or `columns`); missing values are left empty."""
    columns = columns or TABLES_BY_NAME[table].column_names
    path = directory / f"{table}.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="raise")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_source(directory: Path, contacts=(), consents=(), messages=(), inbound=(), deactivations=None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for table, rows in (("contacts", contacts), ("consents", consents), ("messages", messages), ("inbound", inbound)):
        write_table(directory, table, list(rows))
    if deactivations is not None:
        write_table(directory, "deactivations", list(deactivations))
    return directory


def contact(contact_id: str, phone: str = "+447400123456", country: str | None = "GB",
            created_at: str = "2026-01-01T09:00:00Z") -> dict:
    return {"contact_id": contact_id, "phone": phone, "country": country or "", "created_at": created_at}


def consent(event_id: str, contact_id: str, purpose: str, action: str, occurred_at: str,
            method: str = "web_form", notice_version: str = "v1") -> dict:
    return {"event_id": event_id, "contact_id": contact_id, "purpose": purpose, "action": action,
            "method": method, "occurred_at": occurred_at, "notice_version": notice_version}


def message(message_id: str, contact_id: str, purpose: str, sent_at: str, to_phone: str = "+447400123456",
            body: str = "Acme: 10% off today. Reply STOP to opt out") -> dict:
    return {"message_id": message_id, "contact_id": contact_id, "to_phone": to_phone, "purpose": purpose,
            "sender_id": "Acme", "body": body, "sent_at": sent_at}


def inbound_row(inbound_id: str, from_phone: str, body: str, received_at: str) -> dict:
    return {"inbound_id": inbound_id, "from_phone": from_phone, "body": body, "received_at": received_at}


def run_engine(source: Path, warehouse: Path, policy: Policy, with_gates: bool = False, run_id: str = "test-run") -> None:
    """The nightly's jobs before retention, as the flows run them, then publish (no report)."""
    before_retention = tuple(job for job in jobs.NIGHTLY if job is not jobs.RETENTION)
    jobs.run_direct(warehouse, before_retention, jobs.Arguments(policy=policy, source=source), run_id, "test",
                    POLICY_SHA256, with_gates=with_gates)


def findings(warehouse: Path, check: str | None = None, run_id: str = "test-run") -> set[tuple[str, str]]:
    """(check, record_id) of a published run, optionally of one check only."""
    with open_warehouse(warehouse) as connection:
        rows = connection.execute(
            'SELECT "check", record_id FROM findings_of_run($run_id, \'open\')', {"run_id": run_id}
        ).fetchall()
    return {row for row in rows if check is None or row[0] == check}


def run_retention(warehouse: Path, policy: Policy, reports: Path, dry_run: bool = False,
                  allow_large_deletion: bool = False, run_id: str = "retention-run") -> dict:
    """The retention job as its flow runs it (a refusal publishes the plan and deletes nothing);
    raises DeletionRefused or DeletionNotVerified last. Returns what finishing the deletions did."""
    arguments = jobs.Arguments(policy=policy, dry_run=dry_run, allow_large_deletion=allow_large_deletion)
    return jobs.run_direct(warehouse, (jobs.RETENTION,), arguments, run_id, "retention", POLICY_SHA256,
                           reports=reports)["deletions"]


def run_erasure(warehouse: Path, policy: Policy, reports: Path, subject: str | None = None,
                contact_key: str | None = None, run_id: str = "erasure-run") -> dict:
    """The erasure job as its flow runs it."""
    arguments = jobs.Arguments(policy=policy, subject=subject, contact_key=contact_key)
    return jobs.run_direct(warehouse, (jobs.ERASURE,), arguments, run_id, "erasure", POLICY_SHA256,
                           reports=reports)["deletions"]

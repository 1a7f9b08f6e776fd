"""Data-subject access: everything the warehouse holds on one person, as one JSON file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from listwarden import keys, phones, warehouse

SECTIONS = ("contacts", "consents", "consent_proof", "consent_state", "messages", "inbound", "sendable",
            "suppression", "violations")


def subject_of(phone: str, country: str | None = None) -> str:
    """The keyed hash of a number as listwarden names it (E.164 when valid, else as typed)."""
    return phones.parse(phone, country, keys.secret(keys.SUBJECT)).subject


def contact_key_of(contact_id: str) -> str:
    return keys.contact_key(contact_id, keys.secret(keys.SUBJECT))


def export(connection: duckdb.DuckDBPyConnection, out: Path, subject: str | None = None,
           contact_id: str | None = None) -> dict[str, int]:
    """Write what is held on the number (`subject`) or the contact to `out` (mode 0600); rows per section."""
    asked = {"subject": subject, "contact_ids": [contact_id] if contact_id else []}
    held = {"contacts": warehouse.records(connection, "access/contacts", **asked)}
    contact_ids = [row["contact_id"] for row in held["contacts"]]
    found = {"subject": subject, "contact_ids": contact_ids,
             "contact_keys": [contact_key_of(c) for c in contact_ids or asked["contact_ids"]]}
    for section in SECTIONS[1:-1]:
        held[section] = warehouse.records(connection, f"access/{section}", **found)
    record_ids = contact_ids + [m["message_id"] for m in held["messages"]] + [i["inbound_id"] for i in held["inbound"]]
    held["violations"] = warehouse.records(connection, "access/violations", subject=subject, record_ids=record_ids)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(held, handle, indent=2, default=str, ensure_ascii=False)
        handle.write("\n")
    return {section: len(rows) for section, rows in held.items()}

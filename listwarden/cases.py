"""The cases declared beside each check (`sql/checks/<name>.cases.yaml`): the one it must catch
and the one it must pass, as small sources in the data contract.

    catch:
      contacts: [{contact_id: c1, phone: "+447400100101", created_at: -25d 09:00}]
      messages: [{message_id: m1, contact_id: c1, to_phone: "+447400100101", sent_at: -22d 12:00}]
      finds: [messages m1]
    pass:
      ...

Times are written relative to the day of the run (`-25d 09:00`: 25 days before it, 09:00 UTC),
so that a case means the same on any day. Ids are prefixed with the check's name (`<check>-c1`,
pass cases `<check>-pass-c1`), so the cases of every check can be loaded together: the demo plants
every catch case into its population, and the tests run all catch and all pass cases at once.
Values a case leaves out take the defaults below: a compliant message by Acme, an opt-in with
its evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml

from listwarden import checks
from listwarden.contract import TABLES_BY_NAME

SIDES = ("catch", "pass")
ID_COLUMNS = ("contact_id", "event_id", "message_id", "inbound_id")
DEFAULTS = {
    "contacts": {"country": "GB", "created_at": "-60d 09:00"},
    "consents": {"purpose": "marketing", "action": "opt_in", "method": "web_form", "notice_version": "v1",
                 "source": "crm-export"},
    "messages": {"purpose": "marketing", "sender_id": "Acme", "body": "Acme: 20% off this weekend. Reply STOP to opt out"},
    "inbound": {},
    "deactivations": {},
}
_RELATIVE = re.compile(r"-(\d+)d (\d\d):(\d\d)")


class CaseError(ValueError):
    """A case file that does not fit; the message names the file and what is wrong."""


@dataclass
class Sources:
    """Rows per contract table (and extra contacts columns), and the findings expected of them."""

    tables: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in DEFAULTS})
    finds: set[tuple[str, str, str]] = field(default_factory=set)  # (check, record_table, record_id)

    def add(self, other: Sources) -> None:
        for table, rows in other.tables.items():
            self.tables[table] += rows
        self.finds |= other.finds


def cases_path(check: checks.Check) -> Path:
    return checks.CHECKS_DIR / f"{check.name}.cases.yaml"


def load(check: checks.Check, side: str, as_of: date) -> Sources:
    """One side of a check's cases, ids prefixed and times resolved against `as_of`."""
    path = cases_path(check)
    if not path.is_file():
        raise CaseError(f"{path}: missing; every check declares the case it must catch and the one it must pass")
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if set(document) != set(SIDES):
        raise CaseError(f"{path}: expected exactly the keys {', '.join(SIDES)}")
    case = dict(document[side])
    finds = case.pop("finds", [])
    unknown = sorted(set(case) - set(DEFAULTS))
    if unknown:
        raise CaseError(f"{path}: {side}: {unknown} are not tables of the data contract")
    if (side == "catch") != bool(finds):
        raise CaseError(f"{path}: a catch case lists what it finds; a pass case finds nothing")
    prefix = f"{check.name}-" if side == "catch" else f"{check.name}-pass-"
    sources = Sources()
    ids = set()
    for table, rows in case.items():
        for row in rows:
            resolved = _resolve({**DEFAULTS[table], **row}, prefix, as_of)
            ids |= {row[column] for column in ID_COLUMNS if column in row}
            sources.tables[table].append(resolved)
    for entry in finds:
        record_table, record_id = entry.split()
        sources.finds.add((check.name, record_table, prefix + record_id if record_id in ids else record_id))
    return sources


def load_all(side: str, as_of: date) -> Sources:
    """One side of the cases of every check."""
    sources = Sources()
    for check in checks.CHECKS:
        sources.add(load(check, side, as_of))
    return sources


def columns(table: str, rows: list[dict]) -> tuple[str, ...]:
    """The contract's columns of the table, then any other column a case gives (undeclared ones)."""
    contract = TABLES_BY_NAME[table].column_names
    extra = dict.fromkeys(column for row in rows for column in row if column not in contract)
    return (*contract, *extra)


def _resolve(row: dict, prefix: str, as_of: date) -> dict:
    resolved = {}
    for column, value in row.items():
        if column in ID_COLUMNS:
            value = prefix + str(value)
        elif isinstance(value, str) and _RELATIVE.fullmatch(value):
            value = _at(value, as_of)
        resolved[column] = value
    return resolved


def _at(relative: str, as_of: date) -> str:
    days, hours, minutes = map(int, _RELATIVE.fullmatch(relative).groups())
    instant = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC) - timedelta(days=days) \
        + timedelta(hours=hours, minutes=minutes)
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")

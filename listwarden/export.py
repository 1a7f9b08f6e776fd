"""Exports for sending systems: the only files listwarden writes that hold raw numbers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from listwarden import warehouse


class ExportError(ValueError):
    """The export cannot be made as asked; the message says why."""


def sendable(connection: duckdb.DuckDBPyConnection, purpose: str, out: Path) -> int:
    """Write the sendable audience of a consent-requiring purpose (contact_id, e164) as CSV.

    The file is recorded in core.exports, so that erasure can find every copy of a number.
    """
    consent_required = warehouse.run(connection, "export/purpose", purpose=purpose).fetchone()
    if consent_required is None:
        raise ExportError(f"purpose {purpose} is not in the policy of the latest published run")
    if not consent_required[0]:
        raise ExportError(f"purpose {purpose} needs no consent: any contact with a valid SMS-capable number may receive it")
    rows = write_private_csv(connection, "export/sendable", {"purpose": purpose}, Path(out))
    warehouse.run(connection, "export/record", path=str(Path(out).resolve()), purpose=purpose, rows=rows,
                  written_at=datetime.now(UTC))
    return rows


def write_private_csv(connection: duckdb.DuckDBPyConnection, query: str, parameters: dict, out: Path) -> int:
    """Write sql/<query>.sql's result to `out` as CSV readable by its owner only, replacing the
    file in one rename; return the rows written. Exports hold raw numbers."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    rows = warehouse.execute(
        connection, f"COPY ({warehouse.sql_text(query)}) TO '{warehouse.literal(partial)}' (HEADER)", query, parameters,
    ).fetchone()[0]
    partial.chmod(0o600)
    partial.replace(out)
    return rows

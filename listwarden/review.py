"""The review queue: the replies a person must read, and what that person decided."""

from __future__ import annotations

from datetime import datetime

import duckdb

from listwarden import runs, warehouse

DECISIONS = ("opt-out", "not-opt-out")


class UnknownReply(ValueError):
    """The inbound id names no reply in this warehouse."""


def queued(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, datetime, str, str]]:
    """(inbound_id, received_at, reason, text with numbers masked) not yet decided, oldest first."""
    return warehouse.run(connection, "review/queued", run_id=runs.published_run_id(connection)).fetchall()


def decide(connection: duckdb.DuckDBPyConnection, inbound_id: str, decision: str, decided_by: str) -> datetime:
    """Record a decision (applied by the next optouts run); returns when it was recorded."""
    if decision not in DECISIONS:
        raise ValueError(f"a decision is one of {', '.join(DECISIONS)}, not {decision!r}")
    if not warehouse.run(connection, "review/reply_exists", inbound_id=inbound_id).fetchone()[0]:
        raise UnknownReply(f"no reply {inbound_id!r} in this warehouse")
    return warehouse.run(connection, "review/record_decision", inbound_id=inbound_id, decision=decision,
                         decided_by=decided_by).fetchone()[0]

"""Compliance: every message checked against consent at the moment it was sent."""

from __future__ import annotations

import duckdb

from listwarden import checks, runs


def consent_at_send(connection: duckdb.DuckDBPyConnection) -> dict:
    """work.message_consent: for each message, its purpose rule and the consent facts at sent_at."""
    return {"messages": runs.replace_work_table(connection, "message_consent", "compliance/message_consent", {})}


def check(connection: duckdb.DuckDBPyConnection) -> dict:
    return {"findings": checks.run_checks(connection, "compliance", {})}

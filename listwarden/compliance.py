"""Compliance: every message checked against consent, timing and content; opt-outs honoured."""

from __future__ import annotations

import duckdb

from listwarden import checks, runs
from listwarden.policy import Policy


def prepare(connection: duckdb.DuckDBPyConnection) -> dict:
    """The facts the checks share: consent at each message's sent_at, and how each inbound
    opt-out was recorded."""
    return {
        "messages": runs.replace_work_table(connection, "message_consent", "compliance/message_consent", {}),
        "inbound_opt_outs": runs.replace_work_table(connection, "opt_out_records", "compliance/opt_out_records", {}),
    }


def check(connection: duckdb.DuckDBPyConnection, policy: Policy) -> dict:
    return {"findings": checks.run_checks(connection, "compliance", parameters(policy))}


def parameters(policy: Policy) -> dict:
    """The policy settings the compliance SQL binds (each query binds the ones it names)."""
    return {
        "evidence_fields": policy.consent.evidence_fields,
        "record_within_hours": policy.opt_out.record_within_hours,
        "max_messages": policy.frequency_cap.max_messages,
        "window_hours": policy.frequency_cap.window_hours,
    }

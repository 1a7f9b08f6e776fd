"""Compliance: every message checked against consent, timing and content; opt-outs honoured.

A nightly run re-checks what changed since the last check (sql/compliance/scope.sql); a full run
is the same code on everything. A run is full when asked (`--full`), on a warehouse never checked,
when the policy or the code differs from the last check's, or when messages are delivered as
snapshots (the scope relies on messages being appended: a message never changes once checked).
"""

from __future__ import annotations

import duckdb

from listwarden import runs, sms, warehouse
from listwarden.policy import Policy


def scope(connection: duckdb.DuckDBPyConnection, policy: Policy, full: bool = False) -> dict:
    """What this run re-checks: work.scope_contacts, work.scope_numbers and the scoped relations."""
    reason = "asked (--full)" if full else _full_run_reason(connection, policy)
    warehouse.run(connection, "compliance/scope_mode", everything=reason is not None, reason=reason or "")
    warehouse.run_script(connection, "compliance/scope")
    return {"mode": "full" if reason else "changed", **({"why full": reason} if reason else {}),
            "contacts": warehouse.count_rows(connection, "work", "scope_contacts"),
            "numbers": warehouse.count_rows(connection, "work", "scope_numbers")}


def _full_run_reason(connection: duckdb.DuckDBPyConnection, policy: Policy) -> str | None:
    if policy.delivery.messages == "snapshot":
        return "messages are delivered as snapshots"
    return warehouse.run(connection, "compliance/full_run_reason").fetchone()[0]


def prepare(connection: duckdb.DuckDBPyConnection, policy: Policy) -> dict:
    """The facts the checks share: consent at each message's sent_at, how each inbound opt-out
    was recorded, and what each distinct body says and weighs."""
    return {
        "consent_events": runs.replace_work_table(connection, "consent_events", "compliance/consent_events", {}),
        "messages": runs.replace_work_table(connection, "message_consent", "compliance/message_consent", {}),
        "inbound_opt_outs": runs.replace_work_table(connection, "opt_out_records", "compliance/opt_out_records", {}),
        "distinct_bodies": runs.replace_work_table(connection, "body_facts", "compliance/body_facts", body_parameters(policy)),
        "zone_sets": runs.replace_work_table(connection, "zone_sets", "compliance/zone_sets", {}),
        "numbers": runs.replace_work_table(connection, "number_subjects", "compliance/number_subjects", {}),
        "messages_rechecked": warehouse.run(connection, "compliance/scope_messages").fetchone()[0],
    }


def audience(connection: duckdb.DuckDBPyConnection, policy: Policy) -> dict:
    """Consent now per contact and purpose, the suppression list, and the sendable audience."""
    counts = {
        "consent_state": runs.replace_work_table(connection, "consent_state", "compliance/consent_state", {}),
        "suppressed": runs.replace_work_table(connection, "suppression", "compliance/suppression", {}),
        "sendable": runs.replace_work_table(
            connection, "sendable", "compliance/sendable", {"not_sms_capable": policy.accuracy.not_sms_capable}),
    }
    warehouse.run(connection, "compliance/metrics")
    return counts


def body_parameters(policy: Policy) -> dict:
    """What body_facts.sql binds: the names and instructions a body must carry, and GSM-7."""
    return {"sender_names": policy.sender_names, "opt_out_instructions": policy.content.opt_out_instructions,
            **sms.patterns()}

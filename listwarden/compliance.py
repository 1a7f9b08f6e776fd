"""Compliance: every message checked against consent, timing and content; opt-outs honoured."""

from __future__ import annotations

import duckdb

from listwarden import runs, sms, warehouse
from listwarden.policy import Policy


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

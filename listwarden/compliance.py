"""Compliance: every message checked against consent, timing and content; opt-outs honoured."""

from __future__ import annotations

import duckdb

from listwarden import checks, runs, sms, warehouse
from listwarden.policy import Policy


def prepare(connection: duckdb.DuckDBPyConnection, policy: Policy) -> dict:
    """The facts the checks share: consent at each message's sent_at, how each inbound opt-out
    was recorded, and what each distinct body says and weighs."""
    return {
        "consent_events": runs.replace_work_table(connection, "consent_events", "compliance/consent_events", {}),
        "messages": runs.replace_work_table(connection, "message_consent", "compliance/message_consent", {}),
        "inbound_opt_outs": runs.replace_work_table(connection, "opt_out_records", "compliance/opt_out_records", {}),
        "distinct_bodies": runs.replace_work_table(connection, "body_facts", "compliance/body_facts", parameters(policy)),
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


def check(connection: duckdb.DuckDBPyConnection, policy: Policy) -> dict:
    """Every compliance check; message findings are then named by the number they went to."""
    found = checks.run_checks(connection, "compliance", parameters(policy))
    warehouse.run(connection, "compliance/fill_message_subjects")
    return {"findings": found}


def parameters(policy: Policy) -> dict:
    """The policy settings the compliance SQL binds (each query binds the ones it names)."""
    return {
        "evidence_fields": policy.consent.evidence_fields,
        "record_within_hours": policy.opt_out.record_within_hours,
        "unmatched_is_finding": policy.opt_out.unmatched_is_finding,
        "max_messages": policy.frequency_cap.max_messages,
        "window_hours": policy.frequency_cap.window_hours,
        "sender_names": policy.sender_names,
        "opt_out_instructions": policy.content.opt_out_instructions,
        "max_segments": policy.length.max_segments,
        "duplicate_window_minutes": policy.duplicate_send_window_minutes,
        "help_reply_within_minutes": policy.help_reply_within_minutes,
        **sms.patterns(),
    }

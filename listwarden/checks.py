"""The check vocabulary: one entry per check, in one place.

A check is implemented by the SQL file `sql/<step>/<name>.sql`: a query returning
(record_table, record_id, subject, detail) per finding. Adding a check is adding that file and
its line here.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from listwarden import warehouse


@dataclass(frozen=True)
class Check:
    name: str
    step: str
    severity: str
    principle: str
    rule: str
    explanation: str
    enabled_by: str | None = None  # a parameter of its step that turns it on; off, the check does not run

    def enabled(self, parameters: dict) -> bool:
        return self.enabled_by is None or bool(parameters[self.enabled_by])

    @property
    def implemented(self) -> bool:
        return (warehouse.SQL_DIR / self.step / f"{self.name}.sql").is_file()


SEVERITIES = ("critical", "high", "medium", "low")

CHECKS = (
    Check("invalid_number", "accuracy", "high", "accuracy",
          "policy accuracy; GDPR Art. 5(1)(d)",
          "The number does not parse, or phonenumbers says it is not a valid number."),
    Check("not_sms_capable", "accuracy", "medium", "accuracy",
          "policy accuracy.not_sms_capable; GDPR Art. 5(1)(d)",
          "The number is a fixed line, toll-free, premium rate, shared cost, voicemail, pager or UAN."),
    Check("duplicate_number", "accuracy", "medium", "accuracy",
          "policy accuracy; GDPR Art. 5(1)(d)",
          "Another contact created earlier has the same E.164 number."),
    Check("no_consent", "compliance", "critical", "consent",
          "policy purposes; GDPR Art. 6(1)(a), 7(1); PECR reg. 22; TCPA 47 CFR 64.1200(a)(2)",
          "A consent-requiring message went to a contact who had never opted in to anything."),
    Check("purpose_not_consented", "compliance", "high", "purpose limitation",
          "policy purposes; GDPR Art. 5(1)(b), 6(1)(a)",
          "The contact had opted in, but not to this message's purpose or an ancestor of it."),
    Check("sent_after_opt_out", "compliance", "critical", "opt-outs",
          "policy opt_out; GDPR Art. 7(3), 21(3); TCPA 47 CFR 64.1200(a)(10)",
          "The contact's consent for the purpose had been withdrawn before the message was sent."),
    Check("consent_without_evidence", "compliance", "high", "consent",
          "policy consent.evidence_fields; GDPR Art. 7(1)",
          "An opt-in without the method or the notice version the person saw."),
    Check("opt_out_not_recorded", "compliance", "critical", "opt-outs",
          "policy opt_out; GDPR Art. 21(3); CTIA Messaging Principles",
          "An inbound opt-out was never recorded as an opt_out consent event."),
    Check("opt_out_unmatched", "compliance", "medium", "opt-outs",
          "policy opt_out.unmatched_is_finding; 47 CFR 64.1200(a)(10)",
          "An inbound opt-out came from a number no contact holds (it is suppressed by its keyed hash).",
          enabled_by="unmatched_is_finding"),
    Check("opt_out_deadline_missed", "compliance", "high", "opt-outs",
          "policy opt_out.record_within_hours; 47 CFR 64.1200(a)(10)",
          "An inbound opt-out was recorded later than the policy's deadline."),
    Check("quiet_hours", "compliance", "high", "timing",
          "policy quiet_hours; TCPA 47 CFR 64.1200(c)(1)",
          "Sent outside the allowed hours in one of the recipient's local time zones."),
    Check("frequency_cap", "compliance", "medium", "timing",
          "policy frequency_cap; CTIA Messaging Principles",
          "More consent-requiring messages to one contact than the cap allows in the rolling window."),
    Check("missing_sender_id", "compliance", "high", "content",
          "policy sender_names; TCPA 47 CFR 64.1200(b)(1); PECR reg. 23",
          "A consent-requiring message does not name the sender."),
    Check("missing_opt_out_instruction", "compliance", "high", "content",
          "policy content.opt_out_instructions; PECR reg. 23; CTIA Messaging Principles",
          "A consent-requiring message does not say how to opt out."),
    Check("undeclared_field", "ingest", "medium", "minimisation",
          "policy declared_fields; GDPR Art. 5(1)(c)",
          "A contacts column outside the data contract and the policy's declared fields."),
    Check("retention_overdue", "retention", "high", "retention",
          "policy retention; GDPR Art. 5(1)(e)",
          "A record kept more than the grace period past its retention deadline."),
    Check("reassigned_number", "compliance", "high", "accuracy",
          "policy accuracy; TCPA reassigned numbers, 47 CFR 64.1200(a)(5)",
          "A message went to a number deactivated after the contact's latest opt-in."),
    Check("duplicate_send", "compliance", "low", "content",
          "policy duplicate_send_window_minutes",
          "The same body went to the same contact again within the window: a retry gone wrong."),
    Check("help_not_answered", "compliance", "medium", "opt-outs",
          "policy help_reply_within_minutes; CTIA Messaging Principles",
          "An inbound HELP or INFO got no outbound reply within the window."),
    Check("message_too_long", "compliance", "low", "content",
          "policy length.max_segments",
          "A consent-requiring message longer than the allowed number of SMS segments."),
)
CHECKS_BY_NAME = {check.name: check for check in CHECKS}


def run_checks(connection: duckdb.DuckDBPyConnection, step: str, parameters: dict) -> dict[str, int]:
    """Run every implemented check of a step into work.violations; return findings per check."""
    found = {}
    for check in CHECKS:
        if check.step != step or not check.implemented or not check.enabled(parameters):
            continue
        query = warehouse.sql_text(f"{check.step}/{check.name}")
        with warehouse.uncompressed(connection):
            inserted = warehouse.execute(
                connection,
                "INSERT INTO work.violations "
                "SELECT $check_name, $check_severity, record_table, record_id, subject, detail, $check_rule "
                f"FROM ({query}) AS finding",
                check.name,
                {**parameters, "check_name": check.name, "check_severity": check.severity, "check_rule": check.rule},
            ).fetchone()[0]
        found[check.name] = inserted
    return found

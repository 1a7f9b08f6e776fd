"""The retention rules: one entry per rule, in one place.

A rule is implemented by `sql/retention/rules/<name>.sql`, a query returning (record_table,
record_id, subject, deadline) per due record that reads the policy's settings from
work.retention_settings, and re-checked by the retention.output gate's own query
`sql/gates/retention.output/<name>_recheck.sql`. Adding a rule is adding those two files, the
re-check to expectations/retention.output.json, and its entry here.

The plan writes the entries to work.retention_rules: the SQL that treats rules differently
(suppression, redaction of audit ids, overdue findings, the gate's known rules) joins that table.
"""

from __future__ import annotations

from dataclasses import dataclass

from listwarden.policy import Retention

SUPPRESSED = " (the number stays on the suppression list as a keyed hash)"


@dataclass(frozen=True)
class RetentionRule:
    name: str
    settings: tuple[str, ...]  # the policy's retention settings its SQL reads
    ropa: str  # the record of processing's sentence; {setting} is the policy's value
    suppresses: bool = False  # the numbers it erases go on the suppression list
    redacts_audit_ids: bool = False  # findings and review-queue rows of what it deletes lose their record ids
    can_be_overdue: bool = True  # a record due past the grace period is a retention_overdue finding
    on_request: bool = False  # selected by an erasure request ($subject, $contact_ids), not by the retention plan

    @property
    def query(self) -> str:
        return f"retention/rules/{self.name}"

    def ropa_sentence(self, retention: Retention) -> str:
        sentence = self.ropa.format(**{setting: getattr(retention, setting) for setting in self.settings})
        return sentence + SUPPRESSED if self.suppresses else sentence


RULES = (
    RetentionRule("no_opt_in", ("no_opt_in_days",),
                  "contacts that never opted in: {no_opt_in_days} days after creation"),
    RetentionRule("withdrawn", ("withdrawn_days",),
                  "contacts whose every consent is withdrawn: {withdrawn_days} days after the withdrawal",
                  suppresses=True),
    RetentionRule("inactive", ("inactive_days",), "contacts with no activity: {inactive_days} days"),
    RetentionRule("messages_expired", ("messages_days",), "messages: {messages_days} days"),
    RetentionRule("inbound_expired", ("inbound_days",), "inbound messages: {inbound_days} days"),
    RetentionRule("consent_proof_expired", ("consent_proof_years",),
                  "consent evidence: {consent_proof_years} years after the contact's deletion or the event, "
                  "whichever is later"),
    RetentionRule("erased_before", (),
                  "contacts of a number erased on request that the source brings back without a new opt-in, "
                  "and the number's replies from before the erasure: at the next retention run",
                  redacts_audit_ids=True),
    RetentionRule("erasure_request", (), "everything held on a person who asks for erasure: at once",
                  suppresses=True, redacts_audit_ids=True, can_be_overdue=False, on_request=True),
)


def table_rows() -> list[dict]:
    """The rows of work.retention_rules: what the SQL reads of each rule."""
    return [{"name": rule.name, "suppresses": rule.suppresses, "redacts_audit_ids": rule.redacts_audit_ids,
             "can_be_overdue": rule.can_be_overdue} for rule in RULES]

"""The GDPR Article 30 record of processing, made from the policy (and the data contract)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader

from listwarden.contract import TABLES
from listwarden.policy import Policy
from listwarden.retention_rules import RULES

SUBJECTS = ("people whose numbers are on the contact lists", "people who text the list's numbers (inbound replies)")
RECIPIENTS = (
    "SMS sending systems, through `listwarden export sendable` files (contact id and E.164 number of the "
    "sendable audience of one purpose; mode 0600, recorded so erasure rewrites them)",
    "auditors, through reports and `listwarden audit export` (keyed hashes and record ids, never numbers)",
)
SECURITY = (
    "warehouse encrypted at rest (DuckDB AES-GCM), key held outside it; spill files encrypted",
    "numbers outside the warehouse only as HMAC-SHA256 keyed hashes (logs, Prefect, audit, reports)",
    "Great Expectations gates before every step; nothing is published or deleted past a failed gate",
    "deletion in one transaction, then the file rewritten without the deleted bytes and verified",
    "tamper-evident audit trail (sha256 hash chain, head kept outside the warehouse)",
)


def record(policy: Policy) -> dict:
    """The record's sections, for the Markdown file and the report alike."""
    return {
        "purposes": [
            {"purpose": p.name,
             "lawful_basis": "consent (opt-in with method and notice version as evidence)" if p.consent_required
             else "not consent-based: messages the service needs (contract or legitimate interest)"}
            for p in policy.purposes
        ],
        "subjects": list(SUBJECTS),
        "data": [{"table": t.name,
                  "columns": list(t.column_names) + (policy.declared_fields if t.keeps_declared_fields else [])}
                 for t in TABLES],
        "recipients": list(RECIPIENTS),
        "transfers": "none made by listwarden (where the sending system sends is its own record)",
        "retention": [rule.ropa_sentence(policy.retention) for rule in RULES],
        "security": list(SECURITY),
    }


def markdown(policy: Policy) -> str:
    environment = Environment(loader=PackageLoader("listwarden", "templates"), trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("ropa.md.j2").render(record=record(policy))

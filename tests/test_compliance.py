"""Consent at the moment of sending: no_consent, purpose_not_consented, sent_after_opt_out.

Each case is one contact with its own events and one message; one engine run checks them all.
"""

import pytest
from support import consent, contact, findings, inbound_row, message, run_engine, write_source

from listwarden import gates
from listwarden.warehouse import open_warehouse

T0, T1, T2, T3 = "2026-03-01T10:00:00Z", "2026-03-02T10:00:00Z", "2026-03-03T10:00:00Z", "2026-03-04T10:00:00Z"

# case: (events as (purpose, action, at), message purpose, message time, expected check or None)
CASES = {
    "never-opted-in": ([], "marketing.offers", T1, "no_consent"),
    "opted-in-after-the-message": ([("marketing", "opt_in", T2)], "marketing", T1, "no_consent"),
    "opted-in-at-the-same-instant": ([("marketing", "opt_in", T1)], "marketing", T1, None),
    "unlisted-purpose-needs-consent": ([], "surveys", T1, "no_consent"),
    "service-needs-no-consent": ([], "service.updates", T1, None),
    "security-needs-no-consent": ([("marketing", "opt_out", T0)], "account.security", T1, None),
    "parent-covers-child": ([("marketing", "opt_in", T0)], "marketing.offers", T1, None),
    "child-does-not-cover-parent": ([("marketing.offers", "opt_in", T0)], "marketing", T1, "purpose_not_consented"),
    "sibling-does-not-cover": ([("marketing.newsletter", "opt_in", T0)], "marketing.offers", T1, "purpose_not_consented"),
    "service-opt-in-is-not-marketing": ([("service.updates", "opt_in", T0)], "marketing", T1, "purpose_not_consented"),
    "opted-out": ([("marketing", "opt_in", T0), ("marketing", "opt_out", T1)], "marketing.offers", T2, "sent_after_opt_out"),
    "parent-opt-out-withdraws-child": ([("marketing.offers", "opt_in", T0), ("marketing", "opt_out", T1)],
                                       "marketing.offers", T2, "sent_after_opt_out"),
    "child-opt-out-keeps-sibling": ([("marketing", "opt_in", T0), ("marketing.offers", "opt_out", T1)],
                                    "marketing.newsletter", T2, None),
    "child-opt-out-withdraws-child": ([("marketing", "opt_in", T0), ("marketing.offers", "opt_out", T1)],
                                      "marketing.offers", T2, "sent_after_opt_out"),
    "opted-in-again": ([("marketing", "opt_in", T0), ("marketing", "opt_out", T1), ("marketing", "opt_in", T2)],
                       "marketing", T3, None),
    "opt-in-and-out-at-once-opt-out-wins": ([("marketing", "opt_in", T0), ("marketing", "opt_in", T1),
                                             ("marketing", "opt_out", T1)], "marketing", T2, "sent_after_opt_out"),
    "opt-out-across-purposes-at-once-wins": ([("marketing", "opt_in", T0), ("marketing.offers", "opt_in", T1),
                                              ("marketing", "opt_out", T1)], "marketing.offers", T2, "sent_after_opt_out"),
    "opt-out-after-the-message": ([("marketing", "opt_in", T0), ("marketing", "opt_out", T2)], "marketing", T1, None),
    "opt-out-without-opt-in-is-not-consent": ([("marketing.newsletter", "opt_in", T0), ("marketing", "opt_out", T0)],
                                              "marketing.offers", T1, "purpose_not_consented"),
}


@pytest.fixture(scope="module")
def compliance_run(tmp_path_factory, policy):
    directory = tmp_path_factory.mktemp("compliance")
    contacts, consents, messages = [], [], []
    for index, (case, (events, purpose, sent_at, _)) in enumerate(CASES.items()):
        phone = f"+4474001{index:05d}"
        contacts.append(contact(case, phone, created_at="2026-01-01T00:00:00Z"))
        consents += [consent(f"{case}/{n}", case, p, action, at) for n, (p, action, at) in enumerate(events)]
        messages.append(message(f"m/{case}", case, purpose, sent_at, to_phone=phone))
    warehouse = directory / "warehouse.duckdb"
    run_engine(write_source(directory / "source", contacts, consents, messages), warehouse, policy, with_gates=True)
    return warehouse


@pytest.mark.parametrize("case", CASES)
def test_consent_at_send(compliance_run, case):
    expected = CASES[case][3]
    found = {check for check, record in findings(compliance_run) if record == f"m/{case}"}
    assert found == ({expected} if expected else set())


def test_findings_carry_the_keyed_hash_of_the_number_sent_to(compliance_run):
    with open_warehouse(compliance_run) as connection:
        rows = connection.execute(
            "SELECT v.subject, c.subject FROM audit.violations v JOIN core.contacts c "
            "ON v.record_id = 'm/' || c.contact_id").fetchall()
    assert rows and all(violation == contact_subject for violation, contact_subject in rows)


def test_the_output_gate_catches_a_check_outside_the_vocabulary(compliance_run):
    with open_warehouse(compliance_run) as connection:
        gates.check(connection, "compliance.output")
        connection.execute("""UPDATE work.violations SET "check" = 'made_up' WHERE record_id = 'm/never-opted-in'""")
        with pytest.raises(gates.GateFailed, match="a check outside the vocabulary"):
            gates.check(connection, "compliance.output")


def test_the_input_gate_warns_about_unlisted_purposes_without_stopping(compliance_run):
    with open_warehouse(compliance_run) as connection:
        outcomes = gates.check(connection, "compliance.input")
    unlisted = [o for o in outcomes if "does not list" in o.description and o.table_name == "staging.messages"]
    assert [(o.success, o.severity, o.unexpected_count) for o in unlisted] == [(False, "warning", 1)]


def test_reassigned_number(tmp_path, warehouse_path, policy):
    """Deactivated after the consent on file and before the message: flagged; otherwise not."""
    cases = {  # contact: (opt-in or None, deactivated at, message at, flagged)
        "after-opt-in": ("2026-01-01T10:00:00Z", "2026-02-01T00:00:00Z", "2026-02-10T10:00:00Z", True),
        "new-holder-opted-in-after": ("2026-03-01T10:00:00Z", "2026-02-01T00:00:00Z", "2026-03-10T10:00:00Z", False),
        "message-before-deactivation": ("2026-01-01T10:00:00Z", "2026-02-01T00:00:00Z", "2026-01-20T10:00:00Z", False),
        "no-opt-in-since-capture": (None, "2026-02-01T00:00:00Z", "2026-02-10T10:00:00Z", True),
    }
    contacts, consents, messages, deactivations = [], [], [], []
    for index, (name, (opted_in, deactivated, sent, _)) in enumerate(cases.items()):
        phone = f"+4474005{index:05d}"
        contacts.append(contact(name, phone, created_at="2025-12-01T00:00:00Z"))
        if opted_in:
            consents.append(consent(f"e-{name}", name, "marketing", "opt_in", opted_in))
        messages.append(message(f"m-{name}", name, "service.updates", sent, to_phone=phone))
        deactivations.append({"phone": phone.replace("+44", "+44 "), "deactivated_at": deactivated})
    source = write_source(tmp_path / "source", contacts, consents, messages, deactivations=deactivations)
    run_engine(source, warehouse_path, policy)
    flagged = {record for check, record in findings(warehouse_path) if check == "reassigned_number"}
    assert flagged == {f"m-{name}" for name, case in cases.items() if case[3]}


# case: (consent events, inbound replies as (body, at), message (purpose, at) or None, expected {check: record})
INBOUND_CASES = {
    "stop-then-message": ([("marketing", "opt_in", T0), ("marketing", "opt_out", T2)], [("STOP", T1)],
                          ("marketing.offers", T2), {"sent_after_opt_out": "m"}),
    "stop-withdraws-unlisted-purposes": ([("surveys", "opt_in", T0), ("surveys", "opt_out", T1)], [("Arrêt", T1)],
                                         ("surveys", T2), {"sent_after_opt_out": "m"}),
    "stop-leaves-service-messages": ([("marketing", "opt_in", T0), ("marketing", "opt_out", T1)], [("stop", T1)],
                                     ("account.security", T2), {}),
    "re-opt-in-after-stop": ([("marketing", "opt_in", T0), ("marketing", "opt_out", T1), ("marketing", "opt_in", T2)],
                             [("STOP", T1)], ("marketing", T3), {}),
    "stop-never-recorded": ([("marketing", "opt_in", T0)], [("please stop texting me", T1)], None,
                            {"opt_out_not_recorded": "i"}),
    "recorded-exactly-at-deadline": ([("marketing", "opt_in", T0), ("marketing", "opt_out", T2)],
                                     [("STOP", T1)], None, {}),
    "recorded-a-second-late": ([("marketing", "opt_in", T0), ("marketing", "opt_out", "2026-03-03T10:00:01Z")],
                               [("STOP", T1)], None, {"opt_out_deadline_missed": "i"}),
    "recorded-before-the-reply-does-not-count": ([("marketing", "opt_in", T0), ("marketing", "opt_out", T0)],
                                                 [("STOP", T1)], None, {"opt_out_not_recorded": "i"}),
    "unclear-is-not-an-opt-out": ([("marketing", "opt_in", T0)], [("Will the sale stop on Sunday?", T1)],
                                  ("marketing", T2), {}),
}


@pytest.fixture(scope="module")
def inbound_run(tmp_path_factory, policy):
    directory = tmp_path_factory.mktemp("inbound")
    contacts, consents, messages, replies = [], [], [], []
    for index, (case, (events, received, sent, _)) in enumerate(INBOUND_CASES.items()):
        phone = f"+4474002{index:05d}"
        contacts.append(contact(case, phone, created_at="2026-01-01T00:00:00Z"))
        consents += [consent(f"{case}/{n}", case, p, action, at) for n, (p, action, at) in enumerate(events)]
        replies += [inbound_row(f"i/{case}", phone, body, at) for body, at in received]
        if sent:
            messages.append(message(f"m/{case}", case, sent[0], sent[1], to_phone=phone))
    warehouse = directory / "warehouse.duckdb"
    run_engine(write_source(directory / "source", contacts, consents, messages, replies), warehouse, policy, with_gates=True)
    return warehouse


@pytest.mark.parametrize("case", INBOUND_CASES)
def test_inbound_opt_outs_are_honoured_and_recorded(inbound_run, case):
    expected = {check: f"{prefix}/{case}" for check, prefix in INBOUND_CASES[case][3].items()}
    found = {check: record for check, record in findings(inbound_run) if record.endswith(f"/{case}")}
    assert found == expected


def test_unclear_replies_go_to_the_review_queue(inbound_run):
    with open_warehouse(inbound_run) as connection:
        queue = connection.execute("SELECT inbound_id, reason FROM audit.review_queue").fetchall()
        kinds = dict(connection.execute("SELECT inbound_id, kind FROM core.inbound").fetchall())
    assert queue == [("i/unclear-is-not-an-opt-out", "mentions:en:STOP")]
    assert kinds["i/stop-never-recorded"] == "opt_out"


def test_consent_without_evidence(tmp_path, warehouse_path, policy):
    consents = [consent("complete", "c1", "marketing", "opt_in", T0),
                consent("no-notice", "c1", "marketing", "opt_in", T1, notice_version=""),
                consent("no-method", "c1", "marketing", "opt_in", T1, method=""),
                consent("opt-out-needs-none", "c1", "marketing", "opt_out", T2, method="", notice_version="")]
    run_engine(write_source(tmp_path / "source", [contact("c1")], consents), warehouse_path, policy)
    assert {record for check, record in findings(warehouse_path) if check == "consent_without_evidence"} == {
        "no-notice", "no-method"}

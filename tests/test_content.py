"""Content and delivery checks: sender, opt-out instruction, length, duplicate sends, HELP replies."""

import pytest
from support import consent, contact, findings, inbound_row, message, run_engine, write_source

from listwarden import sms
from listwarden.warehouse import open_warehouse

OK = "Acme: 10% off today. Reply STOP to opt out"
PHONE = "+447400400400"


@pytest.mark.parametrize(("body", "encoding", "segments"), [
    ("a" * 160, "gsm7", 1), ("a" * 161, "gsm7", 2), ("a" * 306, "gsm7", 2), ("a" * 307, "gsm7", 3),
    ("a" * 459, "gsm7", 3), ("a" * 460, "gsm7", 4),
    ("€" * 80, "gsm7", 1), ("€" * 81, "gsm7", 2),  # extension characters take two septets
    ("é" * 160, "gsm7", 1),  # é is in the GSM alphabet
    ("ê" * 70, "ucs2", 1), ("ê" * 71, "ucs2", 2), ("я" * 201, "ucs2", 3), ("я" * 202, "ucs2", 4),
    ("😀" * 35, "ucs2", 1), ("😀" * 36, "ucs2", 2),  # outside the BMP: two UTF-16 units each
])
def test_segments(body, encoding, segments):
    assert sms.segments(body) == (encoding, segments)


BODIES = {
    "fine": OK,
    "no-sender": "Flash sale today only! Reply STOP to opt out",
    "no-instruction": "Acme: new arrivals are in store now.",
    "french-instruction": "Acme : -20% ce week-end. Répondez ARRET pour ne plus recevoir de SMS",
    "lowercase-instruction": "acme store: sale. reply stop to opt out",
    "gsm-459": "Acme: " + "x" * 442 + " Reply STOP",
    "gsm-460": "Acme: " + "x" * 443 + " Reply STOP",
    "ucs2-202": "Acme: " + "я" * 185 + " Reply СТОП",
    "ucs2-201": "Acme: " + "я" * 184 + " Reply СТОП",
}
EXPECTED = {
    "no-sender": {"missing_sender_id"}, "no-instruction": {"missing_opt_out_instruction"},
    "gsm-460": {"message_too_long"}, "ucs2-202": {"message_too_long"},
}


def test_the_sql_counts_segments_like_the_python_twin(tmp_path, warehouse_path, policy):
    from listwarden import compliance

    bodies = {**BODIES, **{f"t{i}": b for i, b in enumerate(["€" * 81, "😀" * 36, "é" * 161, "\n" * 5, "[x]~|^{}\\"])}}
    messages = [message(f"m-{name}", "c1", "marketing", "2026-02-01T10:00:00Z", PHONE, body) for name, body in bodies.items()]
    run_engine(write_source(tmp_path / "source", [contact("c1", PHONE)], messages=messages), warehouse_path, policy)
    with open_warehouse(warehouse_path) as connection:
        compliance.prepare(connection, policy)
        facts = connection.execute("SELECT body, encoding, segments FROM staging.messages JOIN work.body_facts "
                                   "ON hash(coalesce(body, '')) = body_hash").fetchall()
    assert len(facts) == len(bodies)
    assert all((encoding, segments) == sms.segments(body) for body, encoding, segments in facts)


def test_the_length_cases_are_at_the_edges():
    assert [len(BODIES[name]) for name in ("gsm-459", "gsm-460", "ucs2-201", "ucs2-202")] == [459, 460, 201, 202]


def test_content_checks_on_consent_requiring_messages(tmp_path, warehouse_path, policy):
    contacts = [contact("c1", PHONE)]
    consents = [consent("e1", "c1", "marketing", "opt_in", "2026-01-01T00:00:00Z")]
    messages = [message(name, "c1", "marketing", f"2026-02-{index + 1:02d}T10:00:00Z", PHONE, body)
                for index, (name, body) in enumerate(BODIES.items())]
    messages.append(message("service-no-sender", "c1", "service.updates", "2026-03-01T10:00:00Z", PHONE, "Your parcel is on its way"))
    run_engine(write_source(tmp_path / "source", contacts, consents, messages), warehouse_path, policy)
    content = {"missing_sender_id", "missing_opt_out_instruction", "message_too_long"}
    found = {}
    for check, record in findings(warehouse_path):
        if check in content:
            found.setdefault(record, set()).add(check)
    assert found == EXPECTED


def test_duplicate_sends_and_help_replies(tmp_path, warehouse_path, policy):
    contacts = [contact("c1", PHONE), contact("c2", "+447400400401")]
    consents = [consent(f"e{c}", c, "marketing", "opt_in", "2026-01-01T00:00:00Z") for c in ("c1", "c2")]
    messages = [
        message("first", "c1", "marketing", "2026-02-01T10:00:00Z", PHONE, OK),
        message("retry-10-min", "c1", "marketing", "2026-02-01T10:10:00Z", PHONE, OK),
        message("again-61-min-later", "c1", "marketing", "2026-02-01T11:11:00Z", PHONE, OK),
        message("other-contact-same-body", "c2", "marketing", "2026-02-01T10:05:00Z", "+447400400401", OK),
        message("chain-a", "c2", "marketing", "2026-02-02T12:00:00Z", "+447400400401", OK + " (chain)"),
        message("chain-b-50-min", "c2", "marketing", "2026-02-02T12:50:00Z", "+447400400401", OK + " (chain)"),
        message("chain-c-100-min", "c2", "marketing", "2026-02-02T13:40:00Z", "+447400400401", OK + " (chain)"),
        message("tie-1", "c2", "marketing", "2026-02-03T14:00:00Z", "+447400400401", OK + " (tie)"),
        message("tie-2", "c2", "marketing", "2026-02-03T14:00:00Z", "+447400400401", OK + " (tie)"),
        message("hour-a", "c2", "marketing", "2026-02-04T16:00:00Z", "+447400400401", OK + " (hour)"),
        message("hour-b-exactly-60-min", "c2", "marketing", "2026-02-04T17:00:00Z", "+447400400401", OK + " (hour)"),
        message("help-reply", "c1", "service.updates", "2026-02-05T10:59:00Z", PHONE, "Acme help: reply STOP to opt out"),
        message("late-help-reply", "c2", "service.updates", "2026-02-05T11:01:00Z", "+447400400401", "Acme help"),
    ]
    replies = [inbound_row("help-answered", PHONE, "HELP", "2026-02-05T10:00:00Z"),
               inbound_row("help-late", "+447400400401", "info", "2026-02-05T10:00:00Z"),
               inbound_row("help-unanswered", PHONE, "Help!", "2026-02-06T10:00:00Z")]
    run_engine(write_source(tmp_path / "source", contacts, consents, messages, replies), warehouse_path, policy)
    found = findings(warehouse_path)
    assert {r for c, r in found if c == "duplicate_send"} == {
        "retry-10-min", "chain-b-50-min", "chain-c-100-min", "tie-2", "hour-b-exactly-60-min"}
    assert {r for c, r in found if c == "help_not_answered"} == {"help-late", "help-unanswered"}

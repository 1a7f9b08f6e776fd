"""Accuracy: numbers as phonenumbers sees them, and the three number checks."""

import phonenumbers
import pytest
from support import consent, contact, findings, run_engine, write_source

from listwarden import gates, keys
from listwarden.phones import parse
from listwarden.warehouse import open_warehouse

KEY = "test-key"


@pytest.mark.parametrize(("raw", "region", "e164", "line_type", "zones"), [
    ("+44 7400 123456", None, "+447400123456", "MOBILE", ["Europe/Guernsey", "Europe/Isle_of_Man", "Europe/Jersey", "Europe/London"]),
    ("07400 123456", "GB", "+447400123456", "MOBILE", None),
    ("0044 7400-123456", "GB", "+447400123456", "MOBILE", None),
    ("(201) 555-0123", "US", "+12015550123", "FIXED_LINE_OR_MOBILE", ["America/New_York"]),
    ("030 123456", "DE", "+4930123456", "FIXED_LINE", ["Europe/Berlin"]),
    ("0800 123 4567", "GB", "+448001234567", "TOLL_FREE", None),
])
def test_valid_numbers_are_normalised(raw, region, e164, line_type, zones):
    parsed = parse(raw, region, KEY)
    assert (parsed.e164, parsed.is_valid, parsed.line_type) == (e164, True, line_type)
    assert parsed.subject == keys.subject_hash(e164, KEY)
    assert parsed.region == phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    if zones:
        assert parsed.time_zones == zones


@pytest.mark.parametrize(("raw", "region"), [
    ("12345", "GB"), ("07400 123456", None), ("", "GB"), (None, "GB"), ("   ", "US"), ("not a number", "US"),
    ("+44 7400 12345678901234567890", None), ("07400 123456", "XX"),
])
def test_invalid_numbers_have_no_e164_and_a_subject_of_what_was_typed(raw, region):
    parsed = parse(raw, region, KEY)
    assert (parsed.e164, parsed.is_valid, parsed.line_type, parsed.time_zones) == (None, False, None, [])
    assert parsed.subject == keys.subject_hash((raw or "").strip(), KEY)


def accuracy_findings(tmp_path, warehouse_path, policy, contacts):
    consents = [consent(f"e{i}", c["contact_id"], "marketing", "opt_in", "2026-01-01T10:00:00Z") for i, c in enumerate(contacts)]
    run_engine(write_source(tmp_path / "source", contacts=contacts, consents=consents), warehouse_path, policy)
    return findings(warehouse_path)


def test_invalid_number_catches_unparseable_and_invalid_and_passes_valid(tmp_path, warehouse_path, policy):
    found = accuracy_findings(tmp_path, warehouse_path, policy, [
        contact("ok", "+44 7400 123456"), contact("short", "12345"), contact("no-hint", "07400 123457", country=None),
        contact("empty", ""),
    ])
    assert {record for check, record in found if check == "invalid_number"} == {"short", "no-hint", "empty"}


def test_not_sms_capable_catches_fixed_and_toll_free_but_not_fixed_line_or_mobile(tmp_path, warehouse_path, policy):
    found = accuracy_findings(tmp_path, warehouse_path, policy, [
        contact("mobile", "+447400123456"), contact("us", "(201) 555-0123", country="US"),
        contact("landline", "030 123456", country="DE"), contact("freephone", "0800 123 4567"),
        contact("invalid", "12345"),
    ])
    assert {record for check, record in found if check == "not_sms_capable"} == {"landline", "freephone"}


def test_duplicate_number_flags_every_later_contact_across_formats(tmp_path, warehouse_path, policy):
    found = accuracy_findings(tmp_path, warehouse_path, policy, [
        contact("second", "07400 123456", created_at="2026-02-01T00:00:00Z"),
        contact("first", "+44 7400 123456", created_at="2026-01-01T00:00:00Z"),
        contact("third", "0044 7400-123456", created_at="2026-03-01T00:00:00Z"),
        contact("tie-b", "+447400999001", created_at="2026-01-01T00:00:00Z"),
        contact("tie-a", "+447400999001", created_at="2026-01-01T00:00:00Z"),
        contact("unique", "+447400555555"),
        contact("bad-1", "12345"), contact("bad-2", "12345"),  # invalid numbers have no E.164 to share
    ])
    assert {record for check, record in found if check == "duplicate_number"} == {"second", "third", "tie-b"}


def test_the_output_gate_catches_a_malformed_e164_and_passes_the_real_one(tmp_path, warehouse_path, policy):
    accuracy_findings(tmp_path, warehouse_path, policy, [contact("c1", "+447400123456")])
    with open_warehouse(warehouse_path) as connection:
        gates.check(connection, "accuracy.output")
        connection.execute("UPDATE work.contacts SET e164 = '447400123456'")
        with pytest.raises(gates.GateFailed, match="work.contacts .*column e164: e164 is not in E.164 form"):
            gates.check(connection, "accuracy.output")


def test_the_output_gate_catches_a_raw_number_in_the_subject(tmp_path, warehouse_path, policy):
    accuracy_findings(tmp_path, warehouse_path, policy, [contact("c1", "+447400123456")])
    with open_warehouse(warehouse_path) as connection:
        connection.execute("UPDATE work.contacts SET subject = '+447400123456'")
        with pytest.raises(gates.GateFailed, match="subject is not a keyed hash"):
            gates.check(connection, "accuracy.output")


def test_the_input_gate_stops_on_an_empty_contact_list(tmp_path, warehouse_path, policy):
    run_engine(write_source(tmp_path / "source", contacts=[contact("c1")]), warehouse_path, policy)
    with open_warehouse(warehouse_path) as connection:
        gates.check(connection, "accuracy.input")
        connection.execute("DELETE FROM staging.contacts")
        with pytest.raises(gates.GateFailed, match="contacts is empty"):
            gates.check(connection, "accuracy.input")

"""Accuracy: numbers as phonenumbers sees them, and the three number checks."""

import phonenumbers
import pytest
from support import POLICY_SHA256, consent, contact, findings, run_engine, write_source

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
        with pytest.raises(gates.GateFailed, match="subject is missing or not a keyed hash"):
            gates.check(connection, "accuracy.output")


def test_the_input_gate_stops_on_an_empty_contact_list(tmp_path, warehouse_path, policy):
    run_engine(write_source(tmp_path / "source", contacts=[contact("c1")]), warehouse_path, policy)
    with open_warehouse(warehouse_path) as connection:
        gates.check(connection, "accuracy.input")
        connection.execute("DELETE FROM staging.contacts")
        with pytest.raises(gates.GateFailed, match="contacts is empty"):
            gates.check(connection, "accuracy.input")


def accuracy_row(warehouse_path, run_id="test-run"):
    with open_warehouse(warehouse_path) as connection:
        result = connection.execute("SELECT * FROM audit.accuracy WHERE run_id = ?", [run_id])
        columns = [c[0] for c in result.description]
        return dict(zip(columns, result.fetchone()))


def test_a_second_run_parses_only_what_it_has_not_seen(tmp_path, warehouse_path, policy):
    contacts = [contact(f"c{i}", f"+4474001234{i:02d}") for i in range(20)]
    source = write_source(tmp_path / "source", contacts=contacts)
    run_engine(source, warehouse_path, policy, run_id="first")
    run_engine(source, warehouse_path, policy, run_id="second")
    contacts[3]["phone"] = "07400 999888"
    run_engine(write_source(source, contacts=contacts), warehouse_path, policy, run_id="third")
    assert [accuracy_row(warehouse_path, run)["values_parsed"] for run in ("first", "second", "third")] == [20, 0, 1]


def test_a_new_phonenumbers_version_parses_everything_again(tmp_path, warehouse_path, policy):
    source = write_source(tmp_path / "source", contacts=[contact("c1"), contact("c2", "+447400123457")])
    run_engine(source, warehouse_path, policy, run_id="first")
    with open_warehouse(warehouse_path) as connection:
        connection.execute("UPDATE cache.numbers SET parser_version = '8.0.0', e164 = '+10000000000'")
    run_engine(source, warehouse_path, policy, run_id="upgraded")
    with open_warehouse(warehouse_path) as connection:
        versions = connection.execute("SELECT DISTINCT parser_version FROM cache.numbers").fetchall()
        e164s = connection.execute("SELECT e164 FROM core.contacts ORDER BY contact_id").fetchall()
    assert accuracy_row(warehouse_path, "upgraded")["values_parsed"] == 2
    assert versions == [(phonenumbers.__version__,)]
    assert e164s == [("+447400123456",), ("+447400123457",)]


def test_worker_processes_parse_like_one_process(tmp_path, policy, monkeypatch):
    from listwarden import accuracy, ingest, runs

    contacts = [contact(f"c{i}", f"+44 7400 12{i:04d}") for i in range(40)] + [contact("bad", "12345")]
    source = write_source(tmp_path / "source", contacts=contacts)
    results = []
    for workers in (1, 2):
        monkeypatch.setattr(accuracy, "CHUNK", 7)
        with open_warehouse(tmp_path / f"w{workers}.duckdb") as connection:
            runs.begin(connection, "r", "test", {}, policy, POLICY_SHA256)
            ingest.land(connection, source, policy)
            ingest.promote(connection, policy)
            assert accuracy.normalise(connection, policy, workers=workers)["workers"] == workers
            results.append(connection.execute(
                "SELECT raw, e164, is_valid, line_type, time_zones, subject FROM cache.numbers ORDER BY raw").fetchall())
    assert results[0] == results[1] and len(results[0]) == 41


def test_the_gate_stops_a_run_whose_valid_share_falls(tmp_path, warehouse_path, policy):
    good = [contact(f"c{i}", f"+4474001234{i:02d}") for i in range(40)]
    run_engine(write_source(tmp_path / "a", contacts=good), warehouse_path, policy, with_gates=True, run_id="baseline")
    slightly_worse = good[:-2] + [contact("x1", "12345"), contact("x2", "123")]  # 95% valid: 5 points down
    run_engine(write_source(tmp_path / "b", contacts=slightly_worse), warehouse_path, policy, with_gates=True, run_id="ok")
    broken = good[:30] + [contact(f"y{i}", "000") for i in range(10)]  # 75% valid
    with pytest.raises(gates.GateFailed, match="share of valid numbers fell by more than accuracy.max_valid_share_drop"):
        run_engine(write_source(tmp_path / "c", contacts=broken), warehouse_path, policy, with_gates=True, run_id="broken")
    assert accuracy_row(warehouse_path, "ok")["valid_share_drop"] == pytest.approx(0.05)
    assert accuracy_row(warehouse_path, "baseline")["previous_valid_share"] is None


def test_country_hints_the_number_contradicts_are_counted_not_flagged(tmp_path, warehouse_path, policy):
    contacts = [contact("gb", "+447400123456", "GB"), contact("fr-hint", "+447400123457", "FR"),
                contact("fr-hint-2", "+447400123458", "FR"), contact("us", "+12015550123", "CA")]
    run_engine(write_source(tmp_path / "source", contacts=contacts), warehouse_path, policy)
    summary = accuracy_row(warehouse_path)
    assert summary["country_mismatches"] == 3
    import json
    assert [(p["hint"], p["region"], p["contacts"]) for p in json.loads(summary["mismatch_pairs"])] == [
        ("FR", "GB", 2), ("CA", "US", 1)]
    assert json.loads(summary["line_types"]) == {"MOBILE": 3, "FIXED_LINE_OR_MOBILE": 1}
    assert not findings(warehouse_path)

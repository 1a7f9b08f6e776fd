"""Ingest: a source that does not fit stops with file, row and column; one that fits is staged whole."""

import gzip
import shutil

import duckdb
import pytest
from support import POLICY_SHA256, consent, contact, message, write_source, write_table

from listwarden import checks, gates, ingest, runs
from listwarden.warehouse import open_warehouse

PHONE = "+447400123456"


def good_source(directory):
    return write_source(
        directory,
        contacts=[contact("c1", PHONE), contact("c2", "07400 123457", created_at="2026-02-01 10:00:00")],
        consents=[consent("e1", "c1", "marketing", "opt_in", "2026-01-01T10:00:00+01:00")],
        messages=[message("m1", "c1", "marketing", "2026-01-02T10:00:00Z")],
        inbound=[{"inbound_id": "i1", "from_phone": PHONE, "body": "Thanks", "received_at": "2026-01-03T10:00:00Z"}],
    )


def land_and_gate(connection, source, policy):
    runs.begin(connection, "r", "test", {}, policy, POLICY_SHA256)
    ingest.land(connection, source, policy)
    return gates.check(connection, "ingest.input")


def runs_policy_file():
    from support import POLICY_FILE

    return POLICY_FILE


def test_a_fitting_source_is_staged_typed_and_whole(tmp_path, warehouse_path, policy):
    source = good_source(tmp_path / "source")
    with open_warehouse(warehouse_path) as connection:
        land_and_gate(connection, source, policy)
        accepted = ingest.promote(connection, policy)["rows_accepted"]
        gates.check(connection, "ingest.output")
        occurred = connection.execute("SELECT occurred_at FROM staging.consents").fetchone()[0]
        created = connection.execute("SELECT created_at FROM staging.contacts WHERE contact_id = 'c2'").fetchone()[0]
        landing_left = connection.execute(
            "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'landing'").fetchone()[0]
    assert accepted == {"contacts": 2, "consents": 1, "messages": 1, "inbound": 1, "deactivations": 0}
    assert occurred.isoformat() == "2026-01-01T09:00:00+00:00"  # the offset is honoured
    assert created.isoformat() == "2026-02-01T10:00:00+00:00"  # no offset means UTC
    assert landing_left == 0


@pytest.mark.parametrize(("table", "rows", "expected"), [
    ("contacts", [contact("c1"), contact("c1", "+447400123457")], "contacts.csv rows 1, 2, column contact_id: contact_id is not unique"),
    ("contacts", [contact("c1"), contact("", "+447400123457")], "contacts.csv row 2, column contact_id: contact_id is empty"),
    ("contacts", [contact("c1"), contact("c2", created_at="01/02/2026")], "contacts.csv row 2, column created_at: created_at is not an ISO 8601 timestamp"),
    ("contacts", [contact("c1"), contact("c2", created_at="2026-02-30")], "contacts.csv row 2, column created_at: created_at is not an ISO 8601 timestamp"),
    ("consents", [consent("e1", "c1", "marketing", "opt-in", "2026-01-01")], "consents.csv row 1, column action: action is neither opt_in nor opt_out"),
    ("consents", [consent("e1", "c1", "marketing", "opt_in", "")], "consents.csv row 1, column occurred_at: occurred_at is empty"),
    ("messages", [message("m1", "c1", "marketing", "yesterday")], "messages.csv row 1, column sent_at: sent_at is not an ISO 8601 timestamp"),
])
def test_a_bad_value_stops_the_gate_naming_file_row_and_column(tmp_path, warehouse_path, policy, table, rows, expected):
    source = good_source(tmp_path / "source")
    write_table(source, table, rows)
    with open_warehouse(warehouse_path) as connection, pytest.raises(gates.GateFailed) as stopped:
        land_and_gate(connection, source, policy)
    assert expected in str(stopped.value)


def test_the_gate_message_never_quotes_a_value(tmp_path, warehouse_path, policy):
    source = good_source(tmp_path / "source")
    write_table(source, "contacts", [contact("+447400999888"), contact("+447400999888")])
    with open_warehouse(warehouse_path) as connection:
        with pytest.raises(gates.GateFailed) as stopped:
            land_and_gate(connection, source, policy)
        recorded = connection.execute("SELECT * FROM work.gate_results").fetchall()
    assert "contact_id is not unique" in str(stopped.value)
    assert "999888" not in str(stopped.value)
    assert "999888" not in repr(recorded)


def test_a_missing_column_is_named(tmp_path, warehouse_path, policy):
    source = good_source(tmp_path / "source")
    write_table(source, "messages", [{"message_id": "m1", "contact_id": "c1", "purpose": "marketing"}],
                columns=("message_id", "contact_id", "purpose"))
    with open_warehouse(warehouse_path) as connection, pytest.raises(gates.GateFailed) as stopped:
        land_and_gate(connection, source, policy)
    assert "messages.csv, column sent_at: the data contract requires column sent_at" in str(stopped.value)


@pytest.mark.parametrize(("content", "expected"), [
    (b"contact_id,phone,created_at\nc1,+447400123456,2026-01-01,extra\n", "contacts.csv line 2: too many columns"),
    (b"contact_id,phone,created_at\nc1,+447400123456\n", "contacts.csv line 2, column created_at: missing columns"),
    (b'contact_id,phone,created_at\nc1,"+447400123456,2026-01-01\n', "contacts.csv line 2, column phone: unquoted value"),
    (b"contact_id,phone,created_at\nc1,\xff\xfe,2026-01-01\n", "contacts.csv line 2, column phone: invalid encoding"),
    (b"", "contacts.csv: empty file, expected a header line"),
    (b"contact_id,phone,phone\n", "contacts.csv line 1: column names must be unique"),
])
def test_an_unreadable_csv_line_is_named_without_its_content(tmp_path, warehouse_path, policy, content, expected):
    source = good_source(tmp_path / "source")
    (source / "contacts.csv").write_bytes(content)
    with open_warehouse(warehouse_path) as connection, pytest.raises(ingest.SourceError) as rejected:
        land_and_gate(connection, source, policy)
    assert expected in str(rejected.value)
    assert "7400123456" not in str(rejected.value)


def test_missing_and_doubled_tables_are_named(tmp_path):
    source = good_source(tmp_path / "source")
    (source / "inbound.csv").unlink()
    with pytest.raises(ingest.SourceError, match="table inbound not found"):
        ingest.find_sources(source)
    good_source(source)
    shutil.copy(source / "contacts.csv", source / "contacts.csv.gz")
    with pytest.raises(ingest.SourceError, match=r"contacts is given twice \(contacts.csv, contacts.csv.gz\)"):
        ingest.find_sources(source)


def test_parquet_and_gzip_sources_load_like_csv(tmp_path, warehouse_path, policy):
    source = good_source(tmp_path / "source")
    duckdb.execute(f"COPY (SELECT * FROM read_csv('{source / 'messages.csv'}', all_varchar=true)) "
                   f"TO '{source / 'messages.parquet'}' (FORMAT parquet)")
    (source / "messages.csv").unlink()
    with open(source / "contacts.csv", "rb") as plain, gzip.open(source / "contacts.csv.gz", "wb") as packed:
        packed.write(plain.read())
    (source / "contacts.csv").unlink()
    with open_warehouse(warehouse_path) as connection:
        land_and_gate(connection, source, policy)
        accepted = ingest.promote(connection, policy)["rows_accepted"]
        formats = dict(connection.execute("SELECT table_name, format FROM work.inputs").fetchall())
    assert accepted["messages"] == 1 and accepted["contacts"] == 2
    assert formats["messages"] == "parquet"


def test_undeclared_contact_columns_are_reported_and_never_loaded(tmp_path, warehouse_path, policy):
    source = good_source(tmp_path / "source")
    columns = ("contact_id", "phone", "country", "created_at", "last_activity_at", "date_of_birth")
    write_table(source, "contacts", [{**contact("c1"), "date_of_birth": "1980-05-05"}], columns=columns)
    with open_warehouse(warehouse_path) as connection:
        land_and_gate(connection, source, policy)
        ingest.promote(connection, policy)
        found = checks.run_checks(connection, "ingest", policy)
        staged_columns = [row[0] for row in connection.execute("DESCRIBE staging.contacts").fetchall()]
        finding = connection.execute('SELECT record_table, record_id, subject FROM work.violations').fetchall()
    assert found == {"undeclared_field": 1}
    assert finding == [("contacts", "date_of_birth", None)]
    assert "date_of_birth" not in staged_columns


def test_declared_contact_columns_are_kept(tmp_path, warehouse_path, policy):
    declared = policy.model_copy(update={"declared_fields": ["loyalty_tier"]})
    source = good_source(tmp_path / "source")
    columns = ("contact_id", "phone", "country", "created_at", "last_activity_at", "loyalty_tier")
    write_table(source, "contacts", [{**contact("c1"), "loyalty_tier": "gold"}], columns=columns)
    with open_warehouse(warehouse_path) as connection:
        land_and_gate(connection, source, declared)
        ingest.promote(connection, declared)
        assert checks.run_checks(connection, "ingest", declared) == {"undeclared_field": 0}
        assert connection.execute("SELECT loyalty_tier FROM staging.contacts").fetchall() == [("gold",)]


def test_an_empty_message_log_beside_replies_is_refused_even_on_a_first_delivery(tmp_path, warehouse_path, policy):
    source = good_source(tmp_path / "source")
    write_table(source, "messages", [])
    with open_warehouse(warehouse_path) as connection, pytest.raises(gates.GateFailed) as stopped:
        land_and_gate(connection, source, policy)
    assert "messages.csv (1 row): messages holds no rows and none were delivered before, but inbound holds replies" in str(stopped.value)
    assert stopped.value.rejects_source

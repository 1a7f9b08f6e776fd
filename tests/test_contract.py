"""The data contract is declared once: the ingest.input gate and the typed promote are made from it."""

import dataclasses
import json
from pathlib import Path

import pytest

from listwarden import contract, gates
from listwarden.contract import Column, Table

# What expectations/ingest.input.json held before its structural expectations were generated.
STRUCTURAL_SNAPSHOT = Path(__file__).resolve().parent / "data" / "ingest_input_structural.json"


def described(expectations):
    return sorted((e["meta"]["table"], e["kwargs"].get("column") or e["meta"].get("column"), e["type"],
                   e["description"]) for e in expectations)


def test_the_generated_expectations_say_what_the_suite_said_before():
    snapshot = [tuple(row) for row in json.loads(STRUCTURAL_SNAPSHOT.read_text(encoding="utf-8"))]
    assert described(contract.expectations()) == sorted(snapshot)


def test_the_ingest_input_suite_holds_the_generated_expectations_and_the_hand_written_ones():
    suite = gates.load_suite("ingest.input")["expectations"]
    hand_written = json.loads(gates.suite_path("ingest.input").read_text(encoding="utf-8"))["expectations"]
    assert [(e["meta"]["table"], e["description"]) for e in suite] == [
        (e["meta"]["table"], e["description"]) for e in contract.expectations() + hand_written]
    action = next(e for e in suite if e["type"] == "expect_column_values_to_be_in_set")
    assert (action["meta"]["table"], action["kwargs"]) == ("landing.consents",
                                                           {"column": "action", "value_set": ["opt_in", "opt_out"]})


def test_every_timestamp_column_is_checked_by_the_one_timestamp_query():
    queries = {(e["meta"]["table"], e["meta"]["column"]): e["kwargs"]["unexpected_rows_query"]
               for e in gates.load_suite("ingest.input")["expectations"] if e["meta"].get("query") == "timestamp"}
    assert set(queries) == {(f"landing.{t.name}", c) for t in contract.TABLES for c in t.timestamp_columns}
    assert queries["landing.consents", "occurred_at"] == (
        "SELECT _row FROM {batch} WHERE occurred_at IS NOT NULL AND iso_timestamp(occurred_at) IS NULL")


def test_a_column_added_to_the_contract_is_both_checked_and_cast():
    contacts = contract.TABLES_BY_NAME["contacts"]
    extended = dataclasses.replace(contacts, columns=(
        *contacts.columns, Column("list_id", required=True), Column("joined_at", "timestamp", optional=True)))
    expected = {(e["type"], e["kwargs"].get("column") or e["meta"].get("column"))
                for e in contract.table_expectations(extended)}
    assert {("expect_column_to_exist", "list_id"), ("expect_column_values_to_not_be_null", "list_id"),
            ("unexpected_rows_expectation", "joined_at")} <= expected
    assert ("expect_column_to_exist", "joined_at") not in expected  # optional: may be absent from the file
    promote = contract.promote_query(extended)
    assert "CAST(list_id AS VARCHAR) AS list_id" in promote
    assert "iso_timestamp(joined_at) AS joined_at" in promote
    assert "* EXCLUDE (_row, contact_id, phone, country, created_at, last_activity_at, list_id, joined_at)" in promote


def test_the_promote_casts_each_column_by_its_type():
    widgets = Table("widgets", (Column("widget_id", required=True, unique=True), Column("note", "trimmed_text"),
                                Column("country", "country_code"), Column("made_at", "timestamp")))
    assert contract.promote_query(widgets) == (
        "SELECT\n"
        "    _row,\n"
        "    CAST(widget_id AS VARCHAR) AS widget_id,\n"
        "    nullif(trim(CAST(note AS VARCHAR)), '') AS note,\n"
        "    nullif(upper(trim(CAST(country AS VARCHAR))), '') AS country,\n"
        "    iso_timestamp(made_at) AS made_at\n"
        "FROM landing.widgets")


@pytest.mark.parametrize("declare", [lambda: Column("phone; DROP TABLE x"), lambda: Column("Phone"),
                                     lambda: Column("phone", "number"), lambda: Table("bad-name", ())])
def test_a_declaration_the_sql_cannot_hold_is_refused(declare):
    with pytest.raises(ValueError):
        declare()

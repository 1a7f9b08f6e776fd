"""Accuracy: every phone value parsed once with phonenumbers, contacts normalised, number checks."""

from __future__ import annotations

import duckdb
import phonenumbers
import polars as pl

from listwarden import checks, keys, phones, runs, warehouse
from listwarden.policy import Policy
from listwarden.progress import progress_bar

CHUNK = 50_000
NUMBER_SCHEMA = {
    "raw": pl.String, "default_region": pl.String, "e164": pl.String, "is_valid": pl.Boolean,
    "line_type": pl.String, "region": pl.String, "time_zones": pl.List(pl.String),
    "national_number": pl.String, "subject": pl.String, "parser_version": pl.String,
}


def normalise(connection: duckdb.DuckDBPyConnection) -> dict:
    """Parse each distinct (value, default region) into work.numbers; join back into work.contacts."""
    phonenumbers.enable_pattern_cache()
    subject_key = keys.secret(keys.SUBJECT)
    distinct_numbers = warehouse.sql_text("accuracy/distinct_numbers")
    total = warehouse.execute(connection, f"SELECT count(*) FROM ({distinct_numbers})", "distinct_numbers").fetchone()[0]
    warehouse.execute(connection, "DROP VIEW IF EXISTS work.numbers", "numbers")
    warehouse.run_script(connection, "accuracy/create_numbers")
    with progress_bar("Parsing phone numbers", total) as advance:
        for batch in warehouse.stream(connection, distinct_numbers, "distinct_numbers", CHUNK):
            values = batch.to_pydict()
            parsed = [phones.parse(raw, region, subject_key) for raw, region in zip(values["raw"], values["default_region"])]
            connection.register("parsed_numbers", pl.DataFrame(parsed, schema=NUMBER_SCHEMA, orient="row").to_arrow())
            warehouse.run(connection, "accuracy/insert_numbers")
            connection.unregister("parsed_numbers")
            advance(len(parsed))
    contacts = runs.replace_work_table(connection, "contacts", "accuracy/contacts", {})
    return {"distinct_numbers": total, "contacts": contacts}


def check(connection: duckdb.DuckDBPyConnection, policy: Policy) -> dict:
    return {"findings": checks.run_checks(connection, "accuracy", {"not_sms_capable": policy.accuracy.not_sms_capable})}

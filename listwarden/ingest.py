"""Ingest: read a source directory into `landing`, then (after its gate) promote it to `staging`.

A source that does not fit stops here with a SourceError naming the file, the line or row and the
column, and never the value (values can be phone numbers).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from listwarden import checks, warehouse
from listwarden.contract import SOURCE_SUFFIXES, TABLES, Table
from listwarden.policy import Policy


class SourceError(ValueError):
    """A source that does not fit the data contract; the message names file, line/row and column."""


@dataclass(frozen=True)
class SourceFile:
    table: str
    path: Path

    @property
    def format(self) -> str:
        return "parquet" if self.path.suffix == ".parquet" else "csv"


def find_sources(source: Path) -> dict[str, SourceFile]:
    """The file of each contract table in the source directory."""
    source = Path(source)
    if not source.is_dir():
        raise SourceError(f"{source}: source directory not found")
    found = {}
    for table in TABLES:
        candidates = [source / f"{table.name}{suffix}" for suffix in SOURCE_SUFFIXES]
        present = [path for path in candidates if path.is_file()]
        if len(present) > 1:
            raise SourceError(f"{source}: {table.name} is given twice ({', '.join(p.name for p in present)})")
        if present:
            found[table.name] = SourceFile(table.name, present[0])
        elif table.required:
            expected = " or ".join(path.name for path in candidates)
            raise SourceError(f"{source}: table {table.name} not found (expected {expected})")
    return found


def land(connection: duckdb.DuckDBPyConnection, source: Path, policy: Policy) -> dict:
    """Read every source table as text into `landing.<table>` with its 1-based `_row`.

    What was read (file, rows, content hash) goes to work.inputs. Contacts columns outside the
    contract and `declared_fields` are recorded in work.undeclared_fields and not kept.
    """
    files = find_sources(source)
    warehouse.run_script(connection, "ingest/reset_landing")
    inputs = []
    for table in TABLES:
        if table.name in files:
            inputs.append(_land_file(connection, table, files[table.name], policy))
        else:
            _land_empty(connection, table)
    for entry in inputs:
        warehouse.run(connection, "ingest/record_input", **entry)
    return {"rows_read": {entry["table_name"]: entry["rows"] for entry in inputs}}


def promote(connection: duckdb.DuckDBPyConnection) -> dict:
    """Replace `staging` with the typed landing tables, all or nothing; landing is then dropped."""
    with warehouse.transaction(connection):
        for table in TABLES:
            select = warehouse.sql_text(f"ingest/{table.name}")
            warehouse.execute(connection, f"CREATE OR REPLACE TABLE staging.{table.name} AS {select}", table.name)
    warehouse.run_script(connection, "ingest/drop_landing")
    return {"rows_accepted": {table.name: warehouse.count_rows(connection, "staging", table.name) for table in TABLES}}


def check(connection: duckdb.DuckDBPyConnection) -> dict:
    """Minimisation: contacts columns that are neither in the contract nor declared."""
    return {"findings": checks.run_checks(connection, "ingest", {})}


def _land_file(connection: duckdb.DuckDBPyConnection, table: Table, source: SourceFile, policy: Policy) -> dict:
    header = _header(connection, source)
    landing = f"landing.{table.name}"
    if source.format == "csv":
        _read_csv(connection, landing, source, header)
    else:
        warehouse.execute(
            connection, f"CREATE TABLE {landing} AS {warehouse.sql_text('ingest/read_parquet')}",
            source.path.name, {"path": str(source.path)},
        )
    warehouse.execute(connection, f"ALTER TABLE {landing} ADD COLUMN _row BIGINT", landing)
    warehouse.execute(connection, f"UPDATE {landing} SET _row = rowid + 1", landing)
    kept = set(table.columns) | (set(policy.declared_fields) if table.name == "contacts" else set())
    for column in header:
        if column not in kept:
            if table.name == "contacts":
                warehouse.run(connection, "ingest/record_undeclared_field", column_name=column)
            warehouse.execute(connection, f"ALTER TABLE {landing} DROP COLUMN {_quote(column)}", landing)
    for column in table.optional_columns:
        if column not in header:
            warehouse.execute(connection, f"ALTER TABLE {landing} ADD COLUMN {_quote(column)} VARCHAR", landing)
    return {
        "table_name": table.name,
        "file": str(source.path),
        "format": source.format,
        "rows": warehouse.count_rows(connection, "landing", table.name),
        "sha256": _sha256(source.path),
    }


def _land_empty(connection: duckdb.DuckDBPyConnection, table: Table) -> None:
    columns = ", ".join(f"{_quote(column)} VARCHAR" for column in table.columns)
    warehouse.execute(connection, f"CREATE TABLE landing.{table.name} (_row BIGINT, {columns})", table.name)


def _read_csv(connection: duckdb.DuckDBPyConnection, landing: str, source: SourceFile, header: list[str]) -> None:
    warehouse.run_script(connection, "ingest/reset_rejects")
    warehouse.execute(
        connection,
        f"CREATE TABLE {landing} AS {warehouse.sql_text('ingest/read_csv')}",
        source.path.name,
        {"path": str(source.path), "columns": {column: "VARCHAR" for column in header}},
    )
    rejects = warehouse.run(connection, "ingest/first_reject").fetchall()
    if rejects:
        line, column, error_type, total = rejects[0]
        where = f"{source.path.name} line {line}" + (f", column {column}" if column else "")
        more = f" ({total} bad lines in all)" if total > 1 else ""
        raise SourceError(f"{where}: {error_type.lower()}{more}")


def _header(connection: duckdb.DuckDBPyConnection, source: SourceFile) -> list[str]:
    if source.format == "parquet":
        return [row[0] for row in warehouse.run(connection, "ingest/parquet_columns", path=str(source.path)).fetchall()]
    opener = gzip.open if source.path.name.endswith(".gz") else open
    with opener(source.path, "rb") as handle:
        first_line = handle.readline()
    try:
        header = next(csv.reader([first_line.decode("utf-8-sig")]), None)
    except UnicodeDecodeError:
        raise SourceError(f"{source.path.name} line 1: not UTF-8 text") from None
    if not header:
        raise SourceError(f"{source.path.name}: empty file, expected a header line")
    header = [column.strip() for column in header]
    duplicated = sorted({column for column in header if header.count(column) > 1})
    if duplicated or "" in header:
        raise SourceError(f"{source.path.name} line 1: column names must be unique and non-empty ({duplicated})")
    return header


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

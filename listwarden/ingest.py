"""Ingest: read a source directory into `landing`, then (after its gate) promote it to `staging`.

A source that does not fit stops here with a SourceError naming the file, the line or row and the
column, and never the value (values can be phone numbers).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from listwarden import faults, warehouse
from listwarden.contract import MANIFEST, SOURCE_SUFFIXES, TABLES, TEXT_TYPES, TIMESTAMP_TYPES, Table, promote_query
from listwarden.policy import Policy

BLOCK = 1 << 20
NEWLINE, GZIP_MAGIC = b"\n", b"\x1f\x8b"
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CSV_LINE = re.compile(r"\bline:? (\d+)", re.IGNORECASE)


class SourceError(ValueError):
    """A source that does not fit the data contract; the message names file, line/row and column."""


@dataclass(frozen=True)
class SourceFile:
    table: str
    path: Path

    @property
    def format(self) -> str:
        return "parquet" if self.path.suffix == ".parquet" else "csv"

    @property
    def compressed(self) -> bool:
        return self.path.name.endswith(".gz")


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

    What was read (file, rows, content hash) goes to work.inputs, checked against the source's
    manifest.json when it has one. Contacts columns outside the contract and `declared_fields`
    are recorded in work.undeclared_fields and not kept.
    """
    files = find_sources(source)
    manifest = _manifest(Path(source), files)
    warehouse.run_script(connection, "ingest/reset_landing")
    inputs = []
    for table in TABLES:
        if table.name in files:
            inputs.append(_land_file(connection, table, files[table.name], policy))
        else:
            _land_empty(connection, table)
    faults.crash_point("land")
    for entry in inputs:
        _check_manifest(manifest, entry)
        warehouse.run(connection, "ingest/record_input", **entry)
    return {"rows_read": {entry["table_name"]: entry["rows"] for entry in inputs}}


def promote(connection: duckdb.DuckDBPyConnection, policy: Policy) -> dict:
    """Bring the typed landing tables into `staging` as each is delivered (policy `delivery`), all
    or nothing: a snapshot replaces its table, an append adds the rows whose id is new. What changed
    is recorded per row in work.changes and per table in work.deliveries; landing is then dropped."""
    with warehouse.transaction(connection):
        for table in TABLES:
            delivery = getattr(policy.delivery, table.name)
            delivered = f"work.delivered_{table.name}"
            warehouse.execute(connection, f"CREATE TABLE {delivered} AS {promote_query(table)}", table.name)
            if warehouse.relation_kind(connection, "staging", table.name) is None:
                warehouse.execute(connection, f"CREATE TABLE staging.{table.name} AS "
                                  f"SELECT * EXCLUDE (_row) FROM {delivered} LIMIT 0", table.name)
            staged = (_promote_snapshot if delivery == "snapshot" else _promote_append)(connection, table)
            warehouse.run(connection, "ingest/record_delivery", table_name=table.name, delivery=delivery,
                          rows=warehouse.count_rows(connection, "work", f"delivered_{table.name}"), staged=staged)
            warehouse.execute(connection, f"DROP TABLE {delivered}", table.name)
        warehouse.run(connection, "ingest/record_unchecked")
    warehouse.run_script(connection, "ingest/drop_landing")
    return {"rows_accepted": {table.name: warehouse.count_rows(connection, "staging", table.name) for table in TABLES},
            "delivered": warehouse.records(connection, "ingest/deliveries")}


def _promote_snapshot(connection: duckdb.DuckDBPyConnection, table: Table) -> int:
    whole_row = "CAST(hash(*COLUMNS(*{})) AS VARCHAR)"
    _templated(connection, "ingest/snapshot_changes", table,
               delivered_id=table.id_column or whole_row.format(" EXCLUDE (_row)"),
               staged_id=table.id_column or whole_row.format(""))
    warehouse.execute(connection, f"CREATE OR REPLACE TABLE staging.{table.name} AS "
                      f"SELECT * EXCLUDE (_row) FROM work.delivered_{table.name}", table.name)
    return warehouse.count_rows(connection, "staging", table.name)


def _promote_append(connection: duckdb.DuckDBPyConnection, table: Table) -> int:
    """A row delivered before is skipped; the same id with other content is refused, naming the row."""
    conflict = _templated(connection, "ingest/append_conflict", table, id=table.id_column,
                          delivered_columns=", ".join(f"d.{name}" for name in table.column_names),
                          staged_columns=", ".join(f"s.{name}" for name in table.column_names)).fetchone()[0]
    if conflict is not None:
        file = Path(dict(warehouse.run(connection, "runs/input_files").fetchall())[table.name]).name
        raise SourceError(
            f"{file} row {conflict}: {table.id_column} was delivered before with other content; {table.name} "
            "is delivered by append, which adds rows and never changes them (a source that replaces rows is "
            "a snapshot: set delivery in the policy)")
    _templated(connection, "ingest/append_new", table, id=table.id_column)
    return _templated(connection, "ingest/append_staged", table, id=table.id_column).fetchone()[0]


def _templated(connection: duckdb.DuckDBPyConnection, name: str, table: Table,
               **identifiers: str) -> duckdb.DuckDBPyConnection:
    """Run sql/<name>.sql (one statement or several) with the table and the contract's identifiers
    put in (they are plain names, checked by contract.py; values are never formatted into SQL)."""
    return warehouse.execute(connection, warehouse.sql_text(name).format(table=table.name, **identifiers), name)


def _land_file(connection: duckdb.DuckDBPyConnection, table: Table, source: SourceFile, policy: Policy) -> dict:
    digest = _read_through(source)
    landing = f"landing.{table.name}"
    if source.format == "csv":
        header = _csv_header(source)
        _read_csv(connection, landing, source, header)
    else:
        header = _parquet_header(connection, table, source)
        _read(connection, f"CREATE TABLE {landing} AS {warehouse.sql_text('ingest/read_parquet')}", source)
    warehouse.execute(connection, f"ALTER TABLE {landing} ADD COLUMN _row BIGINT", landing)
    warehouse.execute(connection, f"UPDATE {landing} SET _row = rowid + 1", landing)
    kept = set(table.column_names) | (set(policy.declared_fields) if table.keeps_declared_fields else set())
    for column in header:
        if column not in kept:
            if table.keeps_declared_fields:
                warehouse.run(connection, "ingest/record_undeclared_field", column_name=column)
            warehouse.execute(connection, f"ALTER TABLE {landing} DROP COLUMN {_quote(column)}", landing)
    for column in table.optional_columns:
        if column not in header:
            warehouse.execute(connection, f"ALTER TABLE {landing} ADD COLUMN {_quote(column)} VARCHAR", landing)
    if source.format == "parquet":  # CSV was checked byte by byte as it was read
        _refuse_nul_bytes(connection, landing, source)
    return {
        "table_name": table.name,
        "file": str(source.path),
        "format": source.format,
        "rows": warehouse.count_rows(connection, "landing", table.name),
        "sha256": digest,
    }


def _land_empty(connection: duckdb.DuckDBPyConnection, table: Table) -> None:
    columns = ", ".join(f"{_quote(column)} VARCHAR" for column in table.column_names)
    warehouse.execute(connection, f"CREATE TABLE landing.{table.name} (_row BIGINT, {columns})", table.name)


def _read_through(source: SourceFile) -> str:
    """Read the file once, whole: its sha256; for gzip, that the stream is complete (trailer,
    CRC and length: a file cut short at a line boundary would otherwise load part of a table);
    for CSV, that it holds no control character, naming the line."""
    digest = hashlib.sha256()
    name = source.path.name
    gunzip = _Gunzip(name) if source.compressed else None
    text = _ControlCheck(name) if source.format == "csv" else None
    with open(source.path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
            if gunzip is not None:
                block = gunzip.feed(block)
            if text is not None:
                text.feed(block)
    if gunzip is not None:
        gunzip.end()
    return digest.hexdigest()


class _Gunzip:
    """Incremental gzip decompression that insists on complete members (a .gz may hold several,
    as `cat a.gz b.gz` makes them)."""

    def __init__(self, name: str):
        self.name, self.started = name, False
        self.member = zlib.decompressobj(wbits=31)

    def feed(self, data: bytes) -> bytes:
        if not self.started and not data.startswith(GZIP_MAGIC):
            raise SourceError(f"{self.name}: not a gzip file; nothing was loaded")
        self.started = True
        out = []
        while data:
            if self.member.eof:
                self.member = zlib.decompressobj(wbits=31)
            try:
                out.append(self.member.decompress(data))
            except zlib.error:
                raise SourceError(f"{self.name}: a gzip file whose data is damaged; nothing was loaded") from None
            data = self.member.unused_data
        return b"".join(out)

    def end(self) -> None:
        if not self.member.eof:
            raise SourceError(f"{self.name}: the gzip stream ends early (the file was cut short); nothing was loaded")


class _ControlCheck:
    """Finds the first control character (a NUL byte, say) of a CSV byte stream, counting lines to
    name it: DuckDB's reader would load a NUL into the value without a word, and stops on other
    binary bytes without saying where. Tabs and line ends are text; encoding errors DuckDB names."""

    def __init__(self, name: str):
        self.name, self.line = name, 1

    def feed(self, block: bytes) -> None:
        found = CONTROL.search(block)
        if found:
            line = self.line + block.count(NEWLINE, 0, found.start())
            what = "a NUL byte" if found.group() == b"\0" else "a control character"
            raise SourceError(f"{self.name} line {line}: holds {what} (not text)")
        self.line += block.count(NEWLINE)


def _csv_header(source: SourceFile) -> list[str]:
    opener = gzip.open if source.compressed else open
    with opener(source.path, "rb") as handle:
        first_line = handle.readline()
    try:
        header = next(csv.reader([first_line.decode("utf-8-sig")]), None)
    except UnicodeDecodeError:
        raise SourceError(f"{source.path.name} line 1: not UTF-8 text") from None
    if not header:
        raise SourceError(f"{source.path.name}: empty file, expected a header line")
    return _checked_header(source, [column.strip() for column in header])


def _parquet_header(connection: duckdb.DuckDBPyConnection, table: Table, source: SourceFile) -> list[str]:
    """The file's columns; a contract column of a type the contract cannot hold (a struct, a list,
    a float, bytes) is refused rather than cast to text."""
    described = _read(connection, warehouse.sql_text("ingest/parquet_columns"), source).fetchall()
    for column, column_type in described:
        allowed = TEXT_TYPES + (TIMESTAMP_TYPES if column in table.timestamp_columns else ())
        if column in table.column_names and column_type not in allowed:
            raise SourceError(f"{source.path.name}, column {column}: Parquet type {column_type.split('(')[0]} "
                              f"cannot hold {'a timestamp' if column in table.timestamp_columns else 'text'}")
    return _checked_header(source, [column for column, _ in described])


def _checked_header(source: SourceFile, header: list[str]) -> list[str]:
    duplicated = sorted({column for column in header if header.count(column) > 1})
    if duplicated or "" in header:
        shown = warehouse.redact(", ".join(duplicated))  # column names are data: one could be a number
        raise SourceError(f"{source.path.name} line 1: column names must be unique and non-empty ({shown})")
    return header


def _read(connection: duckdb.DuckDBPyConnection, statement: str, source: SourceFile,
          parameters: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Run a statement reading the file: DuckDB's reader errors become the file's error, with the
    line where DuckDB names one and never its text."""
    try:
        return warehouse.execute(connection, statement, source.path.name, {"path": str(source.path), **(parameters or {})})
    except warehouse.WarehouseError as error:
        kind = "a Parquet file" if source.format == "parquet" else "CSV"
        line = _CSV_LINE.search(str(error)) if source.format == "csv" else None
        where = f"{source.path.name} line {line.group(1)}" if line else source.path.name
        raise SourceError(f"{where}: cannot be read as {kind}") from None


def _read_csv(connection: duckdb.DuckDBPyConnection, landing: str, source: SourceFile, header: list[str]) -> None:
    warehouse.run_script(connection, "ingest/reset_rejects")
    _read(connection, f"CREATE TABLE {landing} AS {warehouse.sql_text('ingest/read_csv')}", source,
          {"columns": {column: "VARCHAR" for column in header}})
    rejects = warehouse.run(connection, "ingest/first_reject").fetchall()
    if rejects:
        line, column, error_type, total = rejects[0]
        where = f"{source.path.name} line {line}" + (f", column {column}" if column else "")
        more = f" ({total} bad lines in all)" if total > 1 else ""
        raise SourceError(f"{where}: {error_type.lower()}{more}")


def _refuse_nul_bytes(connection: duckdb.DuckDBPyConnection, landing: str, source: SourceFile) -> None:
    """A text value holding a NUL byte."""
    schema, table = landing.split(".")
    columns = [column for column, column_type in warehouse.run(
        connection, "ingest/landing_columns", schema_name=schema, table_name=table).fetchall()
        if column_type == "VARCHAR"]
    if not columns:
        return
    found = warehouse.execute(connection, " UNION ALL ".join(
        f"SELECT min(_row), '{column}' FROM {landing} WHERE contains({_quote(column)}, chr(0))" for column in columns)
        + " ORDER BY 1 NULLS LAST LIMIT 1", f"NUL bytes in {landing}").fetchone()
    if found and found[0] is not None:
        raise SourceError(f"{source.path.name} row {found[0]}, column {found[1]}: holds a NUL byte (not text)")


def _manifest(source: Path, files: dict[str, SourceFile]) -> dict[str, dict]:
    """The source's optional manifest.json: {"<file name>": {"rows": N, "sha256": "..."}}, what the
    delivery says it holds; each file listed must be there and match."""
    path = source / MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SourceError(f"{MANIFEST}: not valid JSON ({type(error).__name__})") from None
    names = {file.path.name for file in files.values()}
    if not isinstance(manifest, dict) or not all(
            isinstance(entry, dict) and set(entry) <= {"rows", "sha256"} for entry in manifest.values()):
        raise SourceError(f'{MANIFEST}: expected {{"<file>": {{"rows": N, "sha256": "..."}}}}')
    missing = sorted(set(manifest) - names)
    if missing:
        raise SourceError(f"{MANIFEST}: lists {', '.join(missing)}, which the source does not hold")
    return manifest


def _check_manifest(manifest: dict[str, dict], entry: dict) -> None:
    stated = manifest.get(Path(entry["file"]).name, {})
    name = Path(entry["file"]).name
    if "rows" in stated and stated["rows"] != entry["rows"]:
        raise SourceError(f"{name}: {entry['rows']} rows read, but {MANIFEST} says {stated['rows']}")
    if "sha256" in stated and str(stated["sha256"]).lower() != entry["sha256"]:
        raise SourceError(f"{name}: its sha256 is not the one {MANIFEST} gives (the file changed or is incomplete)")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'

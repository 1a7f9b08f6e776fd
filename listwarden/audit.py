"""The audit trail: reading it, and the hash chain that makes it tamper-evident.

Every audit row, in write order across all audit tables, is sealed with its place in the chain
(`seq`), the sha256 of its canonical content (`row_sha256`) and `chain_sha256` = sha256 of the
previous row's chain_sha256 followed by its own row_sha256. The last chain_sha256 is the chain
head: written beside each run's report, so that rewriting the whole chain is detected too.
Ids that an erasure may redact (violations' record_id, the review queue's inbound_id) are chained
through their keyed hash, so a redaction leaves the chain intact.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from listwarden import keys, warehouse

AUDIT_TABLES = ("runs", "steps", "gate_results", "accuracy", "metrics", "review_queue", "violations", "deletions")
CHAIN_COLUMNS = ("seq", "row_sha256", "chain_sha256")
# table -> (the id an erasure may redact, the column holding its keyed hash)
KEYED = {"violations": ("record_id", "record_key"), "review_queue": ("inbound_id", "inbound_key")}
REDACTED = "(erased)"
GENESIS = "0" * 64
HEAD_FILE = "chain_head.txt"
BATCH = 50_000


@dataclass(frozen=True)
class Head:
    seq: int
    sha256: str

    def text(self) -> str:
        return f"{self.seq} {self.sha256}\n"

    @classmethod
    def parse(cls, text: str) -> Head:
        seq, sha256 = text.split()
        return cls(int(seq), sha256)


@dataclass(frozen=True)
class Verification:
    verified: bool
    head: Head
    problem: str | None  # the first row that does not match, when not verified


def violations(connection: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    """A run's findings, as audit.violations holds them."""
    return warehouse.run(connection, "audit/violations", run_id=run_id).pl()


def seal(connection: duckdb.DuckDBPyConnection) -> Head:
    """Chain every audit row not chained yet (in table order, then write order); return the head.

    DuckDB hashes each row's content; Python adds the keyed ids and folds the chain.
    """
    current = head(connection)
    subject_key = keys.secret(keys.SUBJECT)
    for table in AUDIT_TABLES:
        raw = KEYED[table][0] if table in KEYED else "NULL"
        result = warehouse.execute(
            connection, f"SELECT rowid, {_content_sha256(connection, table)}, {raw} FROM audit.{table} "
                        "WHERE seq IS NULL ORDER BY rowid", f"seal audit.{table}")
        sealed: dict[str, list] = {"rid": [], "seq": [], "row_sha256": [], "chain_sha256": [], "key": []}
        while batch := result.fetchmany(BATCH):
            for rowid, content_sha256, raw_id in batch:
                key = _keyed(raw_id, subject_key) if table in KEYED else None
                row_sha256 = _row_hash(table, content_sha256, key)
                current = Head(current.seq + 1, _link(current.sha256, row_sha256))
                for name, value in (("rid", rowid), ("seq", current.seq), ("row_sha256", row_sha256),
                                    ("chain_sha256", current.sha256), ("key", key)):
                    sealed[name].append(value)
        if sealed["rid"]:
            _write_seals(connection, table, sealed)
    return current


def head(connection: duckdb.DuckDBPyConnection, run_id: str | None = None) -> Head:
    """The chain head: of the whole trail, or as a run left it (its last sealed row)."""
    row = warehouse.run(connection, "audit/head", run_id=run_id).fetchone()
    return Head(row[0], row[1]) if row else Head(0, GENESIS)


def verify(connection: duckdb.DuckDBPyConnection, expected_head: Head | None = None,
           subject_key: str | None = None) -> Verification:
    """Recompute the chain over every audit row; stop at the first row that does not match.

    `expected_head` (a chain_head.txt kept outside the warehouse) must lie on the recomputed
    chain: same hash at its seq, and no fewer rows. With `subject_key` (the warehouse's own
    check), a record id that is not redacted must also match its keyed hash; an export is
    verified without the key.
    """
    previous = Head(0, GENESIS)
    for seq, table, row in heapq.merge(*(_sealed_rows(connection, table) for table in AUDIT_TABLES),
                                       key=lambda item: item[0]):
        problem = _problem(previous, seq, table, row, subject_key)
        if problem:
            return Verification(False, previous, problem)
        previous = Head(seq, row["chain_sha256"])
        if expected_head and previous.seq == expected_head.seq and previous != expected_head:
            return Verification(False, previous, f"at seq {seq} the chain is {previous.sha256}, "
                                                  f"not the head given ({expected_head.sha256})")
    if expected_head and expected_head.seq > previous.seq:
        return Verification(False, previous, f"the chain ends at seq {previous.seq}, before the head given "
                                              f"(seq {expected_head.seq}): rows were deleted at its end")
    return Verification(True, previous, None)


def export(connection: duckdb.DuckDBPyConnection, out: Path) -> Head:
    """Write every audit table as Parquet (in chain order) and the chain head, for auditors."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for table in AUDIT_TABLES:
        target = warehouse.literal(out / f"{table}.parquet")
        warehouse.execute(connection, f"COPY (SELECT * FROM audit.{table} ORDER BY seq) TO '{target}' (FORMAT parquet)",
                          f"export audit.{table}")
    current = head(connection)
    (out / HEAD_FILE).write_text(current.text(), encoding="ascii")
    return current


def open_export(directory: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose audit.* are views over an export's Parquet files."""
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute("CREATE SCHEMA audit")
    for table in AUDIT_TABLES:
        path = Path(directory) / f"{table}.parquet"
        if not path.is_file():
            raise warehouse.WarehouseError(f"{directory}: {path.name} is missing: not an audit export")
        connection.execute(f"CREATE VIEW audit.{table} AS SELECT * FROM read_parquet('{warehouse.literal(path)}')")
    return connection


def _sealed_rows(connection: duckdb.DuckDBPyConnection, table: str) -> Iterator[tuple[int, str, dict]]:
    """The rows of one audit table in chain order (rows never sealed come first, as seq -1)."""
    cursor = connection.cursor()
    cursor.execute("SET TimeZone = 'UTC'")  # timestamps are hashed as text
    if warehouse.relation_kind(connection, "audit", table) is not None:  # a warehouse, not an export
        cursor.execute(f"USE {warehouse.CATALOG}")
    raw, key = KEYED.get(table, ("NULL", "NULL"))
    result = cursor.execute(f"SELECT seq, row_sha256, chain_sha256, {_content_sha256(cursor, table)} AS content_sha256, "
                            f"{raw} AS raw_id, {key} AS keyed_id FROM audit.{table} ORDER BY seq NULLS FIRST")
    names = [column[0] for column in result.description]
    while batch := result.fetchmany(BATCH):
        for values in batch:
            row = dict(zip(names, values))
            yield (-1 if row["seq"] is None else row["seq"]), table, row


def _problem(previous: Head, seq: int, table: str, row: dict, subject_key: str | None) -> str | None:
    where = f"audit.{table} row seq {seq}"
    if seq == -1:
        return f"audit.{table} holds a row outside the chain (inserted, or never sealed)"
    if seq <= previous.seq:
        return f"{where} repeats a place in the chain (inserted)"
    if seq > previous.seq + 1:
        return f"row seq {previous.seq + 1} is missing before {where} (deleted)"
    if _row_hash(table, row["content_sha256"], row["keyed_id"]) != row["row_sha256"]:
        return f"{where} was edited: its content does not match its hash"
    if _link(previous.sha256, row["row_sha256"]) != row["chain_sha256"]:
        return f"{where} does not follow from the row before it: the chain was rewritten"
    if subject_key and table in KEYED and row["raw_id"] != REDACTED and _keyed(row["raw_id"], subject_key) != row["keyed_id"]:
        return f"{where} was edited: its {KEYED[table][0]} does not match its keyed hash"
    return None


def _content_sha256(connection: duckdb.DuckDBPyConnection, table: str) -> str:
    """SQL for the sha256 of a row's content: its non-null columns but the chain's and the (id,
    keyed id) pair, in name order, each as text, as one JSON object. The same in the warehouse and
    in a Parquet export; a column added later (null in older rows) leaves older hashes unchanged."""
    described = connection.execute(f"SELECT * FROM audit.{table} LIMIT 0").description
    skipped = {*CHAIN_COLUMNS, *KEYED.get(table, ())}
    columns = sorted(column[0] for column in described if column[0] not in skipped)
    entries = ", ".join(f"{{'k': '{column}', 'v': CAST(\"{column}\" AS VARCHAR)}}" for column in columns)
    return f"sha256(to_json(map_from_entries(list_filter([{entries}], entry -> entry.v IS NOT NULL))))"


def _row_hash(table: str, content_sha256: str, keyed_id: str | None) -> str:
    """A row's hash: its table, its content's hash and the keyed hash in place of an id an
    erasure may redact."""
    return hashlib.sha256(f"{table}:{content_sha256}:{keyed_id or ''}".encode()).hexdigest()


def _link(previous_sha256: str, row_sha256: str) -> str:
    return hashlib.sha256(f"{previous_sha256}{row_sha256}".encode()).hexdigest()


def _keyed(value: str | None, subject_key: str) -> str | None:
    return None if value is None else keys.subject_hash(f"audit id:{value}", subject_key)


def _write_seals(connection: duckdb.DuckDBPyConnection, table: str, sealed: dict[str, list]) -> None:
    assignments = [f"{name} = s.{name}" for name in CHAIN_COLUMNS]
    if table in KEYED:
        assignments.append(f"{KEYED[table][1]} = s.key")
    connection.register("sealed", pa.table({**sealed, "key": pa.array(sealed["key"], pa.string())}))
    warehouse.execute(connection, f"UPDATE audit.{table} AS a SET {', '.join(assignments)} FROM sealed AS s "
                                  "WHERE a.rowid = s.rid", f"seal audit.{table}")
    connection.unregister("sealed")

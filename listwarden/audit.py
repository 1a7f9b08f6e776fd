"""The audit trail: reading it, and the hash chain that makes it tamper-evident.

Sealing is set-based SQL, whatever the number of rows:
- every audit row not sealed yet gets its place in the chain, `seq` (one sequence across all
  audit tables), and `row_sha256`: the sha256 of its table, seq and canonical content, where an id
  that an erasure may redact (violations' record_id, the review queue's inbound_id) counts by its
  keyed hash, so that a redaction leaves the hash intact;
- a run's new rows of a table, BLOCK_ROWS at a time, become a block of `audit.chain`: their
  seq range, count and the digest of their row hashes;
- the blocks are chained (the only loop in Python, over blocks, not rows): chain_sha256 =
  sha256(previous block's chain_sha256 + the block's description). The last one is the head,
  written beside each run's report, so that rewriting the whole trail is detected too.

`verify` recomputes row hashes, seq continuity and block digests in SQL, folds the blocks, and
names the first row (or block) that does not match.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from listwarden import warehouse

AUDIT_TABLES = ("runs", "steps", "gate_results", "accuracy", "metrics", "review_queue", "violations",
                "finding_closures", "deletions", "deleted_subjects")
CHAIN_TABLE = "chain"
SEALED_COLUMNS = ("seq", "row_sha256")
# table -> (the id an erasure may redact, the column holding its keyed hash)
KEYED = {"violations": ("record_id", "record_key"), "review_queue": ("inbound_id", "inbound_key")}
REDACTED = "(erased)"
GENESIS = "0" * 64
HEAD_FILE = "chain_head.txt"
BLOCK_ROWS = 10_000
# Digests are computed this many rows at a time (whole blocks), so that memory stays bounded
# however many rows a night seals or a warehouse holds.
DIGEST_ROWS = 100 * BLOCK_ROWS
# A block's digest: the hash of its rows' hashes in seq order (sealing writes it, verify recomputes it).
BLOCK_DIGEST = "sha256(string_agg(row_sha256, '' ORDER BY seq))"


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
    head: Head  # of the verified chain; when not verified, the last block that did verify
    problem: str | None  # the first row or block that does not match, when not verified


FINDING_STATUSES = ("open", "new", "closed")


def violations(connection: duckdb.DuckDBPyConnection, run_id: str, status: str = "open") -> pl.DataFrame:
    """A run's findings of one status (FINDING_STATUSES), with the run that opened each."""
    return warehouse.run(connection, "audit/violations", run_id=run_id, status=status).pl()


def seal(connection: duckdb.DuckDBPyConnection) -> Head:
    """Seal every audit row not sealed yet and chain its blocks; return the head.

    The caller holds the transaction, so that rows are never sealed without their blocks.
    """
    for table in AUDIT_TABLES:
        start = _last_seq(connection)
        sealed = warehouse.execute(connection, _seal_statement(connection, table), f"seal audit.{table}",
                                   {"start": start}).fetchone()[0]
        for low in range(start + 1, start + sealed + 1, DIGEST_ROWS):
            warehouse.execute(connection, _blocks_statement(table), f"blocks of audit.{table}",
                              {"start": start, "block_rows": BLOCK_ROWS, "low": low, "high": low + DIGEST_ROWS - 1})
    _link_blocks(connection)
    return head(connection)


def head(connection: duckdb.DuckDBPyConnection, run_id: str | None = None) -> Head:
    """The chain head: of the whole trail, or as a run left it (its last block)."""
    row = warehouse.run(connection, "audit/head", run_id=run_id).fetchone()
    return Head(row[0], row[1]) if row else Head(0, GENESIS)


def verify(connection: duckdb.DuckDBPyConnection, expected_head: Head | None = None,
           check_keys: bool = False) -> Verification:
    """Recompute the chain over every audit row; report the first row or block that does not match.

    `expected_head` (a chain_head.txt kept outside the warehouse) must lie on the recomputed
    chain: the same hash at the end of a block at its seq, and no fewer rows. With `check_keys`
    (a warehouse opened with its subject key), a record id that is not redacted must also match
    its keyed hash; an export is verified without the key.
    """
    problem = _row_problem(connection, check_keys) or _block_problem(connection)
    if problem:
        return Verification(False, Head(0, GENESIS), problem)
    return _fold(connection, expected_head)


def export(connection: duckdb.DuckDBPyConnection, out: Path) -> Head:
    """Write every audit table and the chain's blocks as Parquet (in chain order) and the head."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    for table, order in [*((t, "seq") for t in AUDIT_TABLES), (CHAIN_TABLE, "first_seq")]:
        target = warehouse.literal(out / f"{table}.parquet")
        warehouse.execute(connection, f"COPY (SELECT * FROM audit.{table} ORDER BY {order}) TO '{target}' (FORMAT parquet)",
                          f"export audit.{table}")
        (out / f"{table}.parquet").chmod(0o600)
    current = head(connection)
    warehouse.write_private_text(out / HEAD_FILE, current.text())
    return current


def open_export(directory: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose audit.* are views over an export's Parquet files."""
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute("CREATE SCHEMA audit")
    for table in (*AUDIT_TABLES, CHAIN_TABLE):
        path = Path(directory) / f"{table}.parquet"
        if not path.is_file():
            raise warehouse.WarehouseError(f"{directory}: {path.name} is missing: not an audit export")
        connection.execute(f"CREATE VIEW audit.{table} AS SELECT * FROM read_parquet('{warehouse.literal(path)}')")
    warehouse.run_script(connection, "schema/macros")
    return connection


def _last_seq(connection: duckdb.DuckDBPyConnection) -> int:
    return warehouse.execute(connection, "SELECT coalesce(max(last_seq), 0) FROM audit.chain", "last seq").fetchone()[0]


def _seal_statement(connection: duckdb.DuckDBPyConnection, table: str) -> str:
    """Give the table's unsealed rows their seq (in run, then write order) and row hash."""
    key = KEYED.get(table, ("", "NULL"))[1]
    return f"""
        UPDATE audit.{table} AS a SET seq = s.seq, row_sha256 = s.row_sha256
        FROM (
            SELECT rid, seq, {_row_hash(table, 'seq', 'content', 'keyed_id')} AS row_sha256
            FROM (
                SELECT rowid AS rid, $start + row_number() OVER (ORDER BY run_id, rowid) AS seq,
                       {key} AS keyed_id, {_content(connection, table)} AS content
                FROM audit.{table}
                WHERE seq IS NULL
            )
        ) AS s
        WHERE a.rowid = s.rid"""


def _blocks_statement(table: str) -> str:
    """The blocks of the rows sealed since $start whose seq lies in [$low, $high]: per run,
    BLOCK_ROWS rows at a time (the range holds whole blocks)."""
    return f"""
        INSERT INTO audit.chain (table_name, run_id, first_seq, last_seq, rows, digest)
        SELECT '{table}', run_id, min(seq), max(seq), count(*), {BLOCK_DIGEST}
        FROM audit.{table}
        WHERE seq > $start AND seq BETWEEN $low AND $high
        GROUP BY run_id, (seq - $start - 1) // $block_rows
        ORDER BY min(seq)"""


def _link_blocks(connection: duckdb.DuckDBPyConnection) -> None:
    previous = head(connection)
    links: dict[str, list] = {"first_seq": [], "chain_sha256": []}
    for block in warehouse.records(connection, "audit/unlinked_blocks"):
        previous = Head(block["last_seq"], _link(previous.sha256, block))
        links["first_seq"].append(block["first_seq"])
        links["chain_sha256"].append(previous.sha256)
    if links["first_seq"]:
        connection.register("new_links", pa.table(links))
        warehouse.run(connection, "audit/link_blocks")
        connection.unregister("new_links")


def _link(previous_sha256: str, block: dict) -> str:
    described = "|".join(str(block[name]) for name in ("table_name", "run_id", "first_seq", "last_seq", "rows", "digest"))
    return hashlib.sha256(f"{previous_sha256}{described}".encode()).hexdigest()


def _row_hash(table: str, seq: str, content: str, keyed_id: str) -> str:
    """SQL for a row's hash: its table, its seq, its content's JSON and the keyed hash that stands
    for an id an erasure may redact."""
    return f"sha256(concat_ws(':', '{table}', {seq}, {content}, coalesce({keyed_id}, '')))"


def _content(connection: duckdb.DuckDBPyConnection, table: str) -> str:
    """SQL for a row's canonical content: its non-null columns but the seal's and the (id, keyed
    id) pair, in name order, each as text, as one JSON object. The same in the warehouse and in a
    Parquet export; a column added later (null in older rows) leaves older hashes unchanged."""
    described = connection.execute(f"SELECT * FROM audit.{table} LIMIT 0").description
    skipped = {*SEALED_COLUMNS, *KEYED.get(table, ())}
    columns = sorted(column[0] for column in described if column[0] not in skipped)
    entries = ", ".join(f"{{'k': '{column}', 'v': CAST(\"{column}\" AS VARCHAR)}}" for column in columns)
    return f"to_json(map_from_entries(list_filter([{entries}], entry -> entry.v IS NOT NULL)))"


def _row_problem(connection: duckdb.DuckDBPyConnection, check_keys: bool) -> str | None:
    """The first row that is unsealed, out of place, edited, or redacted without an erasure."""
    last = _last_seq(connection)
    found: list[tuple[int, int, str]] = []  # (seq, rank among problems at one seq, message)
    for table in AUDIT_TABLES:
        where = f"audit.{table}"
        unsealed, beyond, edited, mismatched, unjustified = warehouse.execute(
            connection, _row_checks(connection, table, check_keys), f"verify {where}", {"last": last}).fetchone()
        if unsealed:
            return f"{where} holds a row outside the chain (inserted, or never sealed)"
        if beyond is not None:
            found.append((beyond, 0, f"{where} row seq {beyond} lies beyond the chain's last block (inserted)"))
        if edited is not None:
            found.append((edited, 2, f"{where} row seq {edited} was edited: its content does not match its hash"))
        if mismatched is not None:
            found.append((mismatched, 3, f"{where} row seq {mismatched} was edited: its {KEYED[table][0]} "
                                         "does not match its keyed hash"))
        if unjustified is not None:
            found.append((unjustified, 4, f"{where} row seq {unjustified} was redacted, but no erasure "
                                          "recorded the redaction"))
    gap = warehouse.execute(connection, _continuity_check(), "verify seq", {"last": last}).fetchone()
    if gap:
        table, seq, previous = gap
        if seq == previous:
            found.append((seq, 1, f"audit.{table} row seq {seq} repeats a place in the chain (inserted)"))
        elif table is None:
            found.append((previous + 1, 1, f"row seq {previous + 1} is missing at the end of the chain (deleted)"))
        else:
            found.append((previous + 1, 1, f"row seq {previous + 1} is missing before audit.{table} row seq {seq} (deleted)"))
    return min(found)[2] if found else None


def _row_checks(connection: duckdb.DuckDBPyConnection, table: str, with_key: bool) -> str:
    raw, key = KEYED.get(table, ("NULL", "NULL"))
    mismatched = (f"{raw} <> '{REDACTED}' AND audit_id_key({raw}) IS DISTINCT FROM {key}"
                  if with_key and table in KEYED else "false")
    unjustified = (f"{raw} = '{REDACTED}' AND {key} NOT IN (SELECT k FROM redaction_keys WHERE k IS NOT NULL)"
                   if table in KEYED else "false")
    return f"""
        WITH redaction_keys AS (SELECT unnest(record_keys) AS k FROM audit.deletions)
        SELECT count(*) FILTER (WHERE seq IS NULL),
               min(seq) FILTER (WHERE seq > $last),
               min(seq) FILTER (WHERE row_sha256 IS DISTINCT FROM {_row_hash(table, 'seq', _content(connection, table), key)}),
               min(seq) FILTER (WHERE {mismatched}),
               min(seq) FILTER (WHERE {unjustified})
        FROM audit.{table}"""


def _sealed_rows(columns: str) -> str:
    """SQL: the named columns of every sealed row of every audit table, with its table's name."""
    return " UNION ALL ".join(f"SELECT '{table}' AS table_name, {columns} FROM audit.{table} WHERE seq IS NOT NULL"
                              for table in AUDIT_TABLES)


def _continuity_check() -> str:
    """The first seq that does not follow the one before it (a repeat or a gap), up to the
    chain's last block; a gap at the very end shows against the row after the last (table NULL)."""
    return f"""
        WITH seqs AS (
            {_sealed_rows('seq')}
            UNION ALL SELECT NULL, $last + 1
        ),
        ordered AS (
            SELECT table_name, seq, lag(seq, 1, 0) OVER (ORDER BY seq, table_name NULLS LAST) AS previous
            FROM seqs WHERE seq <= $last + 1
        )
        SELECT table_name, seq, previous FROM ordered WHERE seq <> previous + 1 ORDER BY seq LIMIT 1"""


def _block_problem(connection: duckdb.DuckDBPyConnection) -> str | None:
    """The first block whose rows' hashes do not give its digest (rows rehashed by someone who
    knows the scheme), or that holds rows of another table; DIGEST_ROWS rows at a time."""
    for low, high in _digest_ranges(connection):
        row = warehouse.execute(connection, f"""
            WITH blocked AS (
                SELECT b.table_name AS block_table, b.first_seq, b.last_seq, b.digest, r.table_name, r.seq, r.row_sha256
                FROM ({_sealed_rows('seq, row_sha256')}) AS r
                ASOF JOIN (SELECT * FROM audit.chain WHERE first_seq BETWEEN $low AND $high) AS b
                    ON r.seq >= b.first_seq
                WHERE r.seq BETWEEN $low AND $high
            )
            SELECT block_table, first_seq, last_seq
            FROM blocked
            GROUP BY block_table, first_seq, last_seq, digest
            HAVING bool_or(table_name <> block_table) OR {BLOCK_DIGEST} <> digest
            ORDER BY first_seq
            LIMIT 1""", "verify blocks", {"low": low, "high": high}).fetchone()
        if row:
            table, first, last = row
            return (f"audit.{table} rows seq {first}-{last} were rewritten: their hashes do not give the digest "
                    "the chain holds for them")
    return None


def _digest_ranges(connection: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """Seq ranges of whole blocks, about DIGEST_ROWS rows each, covering the chain."""
    ranges: list[tuple[int, int]] = []
    for first, last in warehouse.run(connection, "audit/block_bounds").fetchall():
        if ranges and last - ranges[-1][0] < DIGEST_ROWS:
            ranges[-1] = (ranges[-1][0], last)
        else:
            ranges.append((first, last))
    return ranges


def _fold(connection: duckdb.DuckDBPyConnection, expected: Head | None) -> Verification:
    """Recompute the chain of blocks; the expected head must be the end of one of them."""
    previous = Head(0, GENESIS)
    for block in warehouse.records(connection, "audit/blocks"):
        where = f"audit.{block['table_name']} rows seq {block['first_seq']}-{block['last_seq']}"
        if block["first_seq"] != previous.seq + 1 or block["rows"] != block["last_seq"] - block["first_seq"] + 1:
            return Verification(False, previous, f"the chain's blocks were rewritten at {where}: they do not "
                                                 "follow the block before")
        current = Head(block["last_seq"], _link(previous.sha256, block))
        if current.sha256 != block["chain_sha256"]:
            return Verification(False, previous, f"{where} do not follow from the rows before them: "
                                                 "the chain was rewritten")
        if expected and expected.seq == current.seq and expected != current:
            return Verification(False, previous, f"at seq {current.seq} the chain is {current.sha256}, "
                                                 f"not the head given ({expected.sha256})")
        if expected and previous.seq < expected.seq < current.seq:
            return Verification(False, previous, f"the head given (seq {expected.seq}) is not a head of this "
                                                 f"chain: {where} were sealed together")
        previous = current
    if expected and expected.seq > previous.seq:
        return Verification(False, previous, f"the chain ends at seq {previous.seq}, before the head given "
                                              f"(seq {expected.seq}): rows were deleted at its end")
    return Verification(True, previous, None)

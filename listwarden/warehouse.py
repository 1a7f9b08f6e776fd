"""The embedded DuckDB warehouse: an encrypted file, and the queries of sql/ run against it.

Schemas: `landing` (sources as read, before their gate), `staging` (accepted sources),
`work` (what the current run computes), `core` and `audit` (published at the end of a run),
`cache` (the parse cache), `erasure` (deleted values awaiting verification; dropped before the
warehouse is compacted).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import duckdb_extension_httpfs

from listwarden import keys, resources, settings

CATALOG = "warehouse"
# DuckDB encrypts with OpenSSL only when httpfs is loaded; the wheel ships it, and there is
# no network to INSTALL it from.
HTTPFS = next((Path(duckdb_extension_httpfs.__file__).parent / "extensions").glob("*/httpfs.duckdb_extension"))
NUMBER_LIKE = re.compile(r"\+?\d[\d\s().\-/]{4,}\d")
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in .*?\(PID (\d+)\)")
LOCK_WAIT_SECONDS = 60


class WarehouseError(RuntimeError):
    """A warehouse failure whose message is safe to log: number-like text is redacted."""


class WarehouseBusy(WarehouseError):
    """Another process holds the warehouse file."""


def redact(text: str) -> str:
    """Replace anything that could be a phone number; DuckDB errors can quote the values they met."""
    return NUMBER_LIKE.sub("[redacted]", text)


@contextmanager
def open_warehouse(path: Path | str, read_only: bool = False,
                   wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the encrypted warehouse file, schemas in place (created if needed), `USE`d.

    Read-only opens (for commands that only read) never create anything and can share the file
    with each other. An open that finds the file held by another process waits up to
    `wait_seconds` for it (a reader's few seconds must not fail a nightly's next task); a run
    that holds the warehouse for its whole length is refused at once by `runs.exclusive`.
    Every open checks that the subject key is the one the warehouse was built with.
    """
    path = Path(path)
    keep_private()
    if read_only and not path.is_file():
        raise WarehouseError(f"{path}: no warehouse here (run `listwarden run nightly` first)")
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect()
    try:
        connection.execute(f"LOAD '{literal(HTTPFS)}'")
        # What DuckDB spills to disk under memory pressure stays beside the warehouse, encrypted.
        connection.execute(f"SET temp_directory = '{literal(path)}.tmp'")
        connection.execute(f"SET temp_file_encryption = {'false' if plaintext() else 'true'}")
        connection.execute(f"SET memory_limit = '{literal(settings.current().memory_limit)}'")
        connection.execute(_default_compression())
        _attach_waiting(connection, path, read_only, wait_seconds)
        configure_session(connection)
        if not read_only:
            run_script(connection, "schema/warehouse")
        run_script(connection, "schema/macros")
        use_subject_key(connection)
        _check_subject_key(connection, path, read_only)
        yield connection
    finally:
        connection.close()


def configure_session(connection: duckdb.DuckDBPyConnection, catalog: str = CATALOG) -> None:
    """What every session on the warehouse (the connection and each cursor) works in: the
    warehouse catalog, UTC (timestamps without an offset are UTC), and the macros."""
    connection.execute(f"USE {catalog}")
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute(f"SET search_path = '{catalog}.main,memory.main'")


def keep_private() -> None:
    """Files and directories listwarden creates are its owner's only (0600 and 0700): the
    warehouse, its WAL and spill files, the lock, exports, reports. Process-wide on purpose:
    DuckDB creates some of these files itself."""
    os.umask(0o077)


def write_private_text(path: Path, text: str) -> None:
    """Write a small text file (0600) in one rename."""
    keep_private()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def _attach_waiting(connection: duckdb.DuckDBPyConnection, path: Path, read_only: bool, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            attach(connection, path, CATALOG, read_only)
            return
        except WarehouseBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.25)


def use_subject_key(connection: duckdb.DuckDBPyConnection) -> None:
    """Give the connection's SQL the subject key, as the pads of the keyed_hash macro."""
    pads = keys.hmac_pads(keys.secret(keys.SUBJECT))
    connection.execute("SET VARIABLE subject_inner_pad = $inner", {"inner": pads["inner"]})
    connection.execute("SET VARIABLE subject_outer_pad = $outer", {"outer": pads["outer"]})


def _check_subject_key(connection: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
    """The warehouse keeps a keyed check value of its subject key: with another key every
    subject would change (erased people would come back as new), so nothing may run."""
    stored, matches = run(connection, "schema/subject_key_check", message=keys.CHECK_MESSAGE).fetchone()
    if not stored and not read_only:
        run(connection, "schema/record_subject_key_check", message=keys.CHECK_MESSAGE)
    elif stored and not matches:
        raise WarehouseError(
            f"{path}: the subject key (LISTWARDEN_SUBJECT_KEY or {keys.key_file(keys.SUBJECT)}) is not the key "
            "this warehouse was built with; restore that key (nothing was changed)")


def plaintext() -> bool:
    """The plaintext test setting (settings.py): the warehouse is neither encrypted nor compressed,
    so that erasure's verification can look for deleted values in the file bytes."""
    return settings.current().plaintext


def _default_compression() -> str:
    return "SET force_compression = 'uncompressed'" if plaintext() else "RESET force_compression"


def attach(connection: duckdb.DuckDBPyConnection, path: Path, alias: str, read_only: bool = False) -> None:
    """Attach a warehouse file (encrypted with the warehouse key unless plaintext()) as `alias`."""
    options = (["READ_ONLY"] if read_only else []) + ([] if plaintext() else ["ENCRYPTION_KEY $key"])
    statement = f"ATTACH '{literal(path)}' AS {alias}" + (f" ({', '.join(options)})" if options else "")
    try:
        connection.execute(statement, {} if plaintext() else {"key": keys.secret(keys.WAREHOUSE)})
    except duckdb.IOException as error:
        holder = _LOCK_HOLDER.search(str(error))
        if holder:
            raise WarehouseBusy(f"{path} is in use by another process (PID {holder.group(1)})") from None
        raise WarehouseError(f"{path}: cannot open: {redact(str(error))}") from None
    except duckdb.BinderException as error:
        if "already attached" not in str(error):
            raise WarehouseError(f"{path}: cannot open: {redact(str(error))}") from None
        raise WarehouseError(f"{path} is in use by another run in this process; one run at a time") from None
    except duckdb.Error as error:
        raise WarehouseError(
            f"{path}: cannot open with the warehouse key from LISTWARDEN_WAREHOUSE_KEY or "
            f"{keys.secrets_dir()}: {redact(str(error))}"
        ) from None


def literal(value: object) -> str:
    """A value as the body of a SQL string literal (for statements that cannot bind it: ATTACH,
    SET, COPY ... TO)."""
    return str(value).replace("'", "''")


def sql_text(name: str) -> str:
    """The text of sql/<name>.sql."""
    return (resources.SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run(connection: duckdb.DuckDBPyConnection, query: str, /, **parameters: object) -> duckdb.DuckDBPyConnection:
    """Run the single statement in sql/<query>.sql with named parameters bound ($name)."""
    return execute(connection, sql_text(query), query, parameters)


def records(connection: duckdb.DuckDBPyConnection, query: str, /, **parameters: object) -> list[dict]:
    """The rows of sql/<query>.sql as dicts keyed by column name."""
    result = run(connection, query, **parameters)
    columns = [column[0] for column in result.description]
    return [dict(zip(columns, row)) for row in result.fetchall()]


def run_script(connection: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run every statement in sql/<name>.sql (no parameters: schema and macro files)."""
    execute(connection, sql_text(name), name)


def execute(
    connection: duckdb.DuckDBPyConnection, statement: str, name: str, parameters: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """Execute, turning DuckDB errors into WarehouseError naming the query, with values redacted.

    Only the parameters the statement names are bound, so callers can pass a shared set.
    The original error is dropped (`from None`): its text can quote row values, and tracebacks
    end up in Prefect's database.
    """
    used = set(_PARAMETER.findall(statement))
    bound = {name: value for name, value in (parameters or {}).items() if name in used}
    try:
        return connection.execute(statement, bound) if bound else connection.execute(statement)
    except duckdb.Error as error:
        raise WarehouseError(f"{name}: {type(error).__name__}: {redact(str(error))}") from None


def stream(connection: duckdb.DuckDBPyConnection, statement: str, name: str, batch_size: int) -> Iterator:
    """Yield the result in Arrow record batches, on a cursor of its own so the caller can keep
    writing through `connection` meanwhile (a DuckDB connection holds one open result)."""
    cursor = connection.cursor()
    try:
        configure_session(cursor)
        yield from execute(cursor, statement, name).fetch_record_batch(batch_size)
    finally:
        cursor.close()


@contextmanager
def uncompressed(connection: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Write a run's scratch tables without compression: analysing millions of random keyed
    hashes for compression costs more than the space saves (10M contacts: 8.9 s -> 5.7 s).
    Published tables are written after this is reset, and are compressed."""
    connection.execute("SET force_compression = 'uncompressed'")
    try:
        yield
    finally:
        connection.execute(_default_compression())


@contextmanager
def transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[None]:
    connection.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def relation_kind(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> str | None:
    """'table', 'view', or None when schema.name does not exist."""
    row = execute(connection, sql_text("schema/relation_kind"), "relation_kind",
                  {"catalog": CATALOG, "schema": schema, "name": name}).fetchone()
    return row[0] if row else None


def count_rows(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> int:
    return connection.execute(f'SELECT count(*) FROM {schema}."{table}"').fetchone()[0]

"""A corpus of broken, hostile and tricky sources and policies, run through the nightly's engine
steps with every gate on a warehouse that already holds a published run.

Each broken input must be refused with the exit code the CLI gives it, one message that names
the file, the line or row and the column (or the policy key), and never the value, and with
`core` and `audit` unchanged. Each tricky but valid form of the clean source must give exactly
the clean source's findings.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from support import POLICY_FILE, consent, contact, findings, inbound_row, message, run_engine, write_source, write_table

from flows.cli import exit_status
from listwarden.policy import load_policy
from listwarden.warehouse import open_warehouse

SECRET = "+447400123456"  # a value that must never appear in a message


def clean_source(directory: Path) -> Path:
    return write_source(
        directory,
        contacts=[contact("c1", SECRET), contact("c2", "07400 123457"), contact("c3", "+33612345678", country="FR"),
                  contact("c4", "07400 123457", created_at="2026-02-01T10:00:00Z"), contact("c5", "not a number")],
        consents=[consent("e1", "c1", "marketing", "opt_in", "2026-01-01T10:00:00+01:00"),
                  consent("e2", "c2", "marketing", "opt_in", "2026-01-01T10:00:00Z", notice_version=""),
                  consent("e3", "c3", "marketing.offers", "opt_in", "2026-01-01T10:00:00Z")],
        messages=[message("m1", "c1", "marketing", "2026-01-02T10:00:00Z", to_phone=SECRET),
                  message("m2", "c2", "marketing", "2026-01-02T23:30:00Z", to_phone="+447400123457"),
                  message("m3", "c3", "marketing.newsletter", "2026-01-02T12:00:00Z", to_phone="+33612345678",
                          body="Acme news"),
                  message("m4", "c4", "marketing", "2026-01-02T12:00:00Z", to_phone="+447400123457")],
        inbound=[inbound_row("i1", SECRET, "STOP", "2026-01-03T10:00:00Z"),
                 inbound_row("i2", "+447400123457", "HELP", "2026-01-03T11:00:00Z")],
        deactivations=[{"phone": "+33612345678", "deactivated_at": "2026-01-01T00:00:00Z"}],
    )


def rows(source: Path, table: str) -> list[dict]:
    with open(source / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def edit(table: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Set one value (row counts from 1, as the messages do)."""
    def mutate(source: Path) -> None:
        table_rows = rows(source, table)
        table_rows[row - 1][column] = value
        write_table(source, table, table_rows, columns=tuple(table_rows[0]))
    return mutate


def add_edited(table: str, row: int, id_column: str, column: str, value: str) -> Callable[[Path], None]:
    """Add a copy of one row under a new id with one value set (an appended table's new row)."""
    def mutate(source: Path) -> None:
        table_rows = rows(source, table)
        added = {**table_rows[row - 1], id_column: f"{table_rows[row - 1][id_column]}-new", column: value}
        write_table(source, table, [*table_rows, added], columns=tuple(table_rows[0]))
    return mutate


def write_bytes(name: str, content: bytes) -> Callable[[Path], None]:
    def mutate(source: Path) -> None:
        for old in source.glob(f"{name.split('.')[0]}.*"):
            old.unlink()
        (source / name).write_bytes(content)
    return mutate


def gzipped(table: str, cut: Callable[[bytes], bytes] = lambda data: data) -> Callable[[Path], None]:
    def mutate(source: Path) -> None:
        plain = source / f"{table}.csv"
        packed = gzip.compress(plain.read_bytes(), mtime=0)
        plain.unlink()
        (source / f"{table}.csv.gz").write_bytes(cut(packed))
    return mutate


def as_parquet(table: str, select: str = "*") -> Callable[[Path], None]:
    """The table as Parquet, its columns as `select` makes them from the CSV read as text."""
    def mutate(source: Path) -> None:
        plain = source / f"{table}.csv"
        duckdb.execute(f"COPY (SELECT {select} FROM read_csv('{plain}', all_varchar = true)) "
                       f"TO '{source / f'{table}.parquet'}' (FORMAT parquet)")
        plain.unlink()
    return mutate


def rewrite_text(table: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def mutate(source: Path) -> None:
        path = source / f"{table}.csv"
        path.write_bytes(change(path.read_bytes().decode("utf-8")).encode("utf-8"))
    return mutate


def manifest(entries: Callable[[Path], dict]) -> Callable[[Path], None]:
    def mutate(source: Path) -> None:
        (source / "manifest.json").write_text(json.dumps(entries(source)), encoding="utf-8")
    return mutate


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def header_only(table: str) -> Callable[[Path], None]:
    def mutate(source: Path) -> None:
        write_table(source, table, [])
    return mutate


def both(*mutations: Callable[[Path], None]) -> Callable[[Path], None]:
    def mutate(source: Path) -> None:
        for change in mutations:
            change(source)
    return mutate


@dataclass(frozen=True)
class Bad:
    name: str
    mutate: Callable[[Path], None]
    says: tuple[str, ...]  # what the message must name: the file, the line or row, the column, why
    value: str = SECRET  # what it must not quote
    code: int = 2


TIMESTAMP = "created_at is not an ISO 8601 timestamp"
BAD_SOURCES = [
    # timestamps DuckDB alone would take, or that are simply not ISO 8601
    Bad("infinity", edit("contacts", 2, "created_at", "infinity"), ("contacts.csv row 2", "column created_at", TIMESTAMP), "infinity"),
    Bad("epoch", edit("consents", 1, "occurred_at", "epoch"), ("consents.csv row 1", "column occurred_at"), "epoch"),
    Bad("offset +99:00", edit("messages", 3, "sent_at", "2026-01-02T12:00:00+99:00"), ("messages.csv row 3", "column sent_at"), "+99:00"),
    Bad("offset with seconds", edit("inbound", 2, "received_at", "2026-01-03T11:00:00+01:00:30"), ("inbound.csv row 2", "column received_at"), "01:00:30"),
    Bad("zone name", edit("contacts", 3, "created_at", "2026-01-01 09:00:00 Europe/Paris"), ("contacts.csv row 3", "column created_at"), "Europe/Paris"),
    Bad("zone abbreviation", edit("messages", 1, "sent_at", "2026-01-02 10:00:00 EST"), ("messages.csv row 1", "column sent_at"), "EST"),
    Bad("year 294247", edit("messages", 2, "sent_at", "294247-01-10T04:00:54Z"), ("messages.csv row 2", "column sent_at"), "294247"),
    Bad("day 30 of February", edit("contacts", 1, "created_at", "2026-02-30T10:00:00Z"), ("contacts.csv row 1", "column created_at")),
    Bad("written out", edit("consents", 2, "occurred_at", "7 March 2026"), ("consents.csv row 2", "column occurred_at"), "March"),
    Bad("epoch seconds", edit("messages", 4, "sent_at", "1767355200"), ("messages.csv row 4", "column sent_at"), "1767355200"),
    Bad("optional timestamp", edit("contacts", 5, "last_activity_at", "last week"), ("contacts.csv row 5", "column last_activity_at"), "last week"),
    Bad("deactivation date", edit("deactivations", 1, "deactivated_at", "soon"), ("deactivations.csv row 1", "column deactivated_at"), "soon"),
    Bad("required timestamp empty", edit("contacts", 4, "created_at", ""), ("contacts.csv row 4", "column created_at", "created_at is empty")),
    # files that are not what their name says, or are incomplete
    Bad("gzip cut at a line boundary", gzipped("contacts", lambda data: data[:len(data) - 8]),
        ("contacts.csv.gz", "ends early", "cut short")),
    Bad("gzip cut in the middle", gzipped("messages", lambda data: data[:len(data) // 2]), ("messages.csv.gz", "gzip")),
    Bad("not gzip at all", write_bytes("contacts.csv.gz", b"contact_id,phone,created_at\nc1,+447400123456,2026-01-01\n"),
        ("contacts.csv.gz", "not a gzip file")),
    Bad("gzip with damaged data", gzipped("inbound", lambda data: data[:20] + bytes(b ^ 0xFF for b in data[20:40]) + data[40:]),
        ("inbound.csv.gz", "gzip")),
    Bad("garbage Parquet", write_bytes("contacts.parquet", b"PAR1" + bytes(range(256)) * 4), ("contacts.parquet", "cannot be read as a Parquet file")),
    Bad("Parquet cut short", both(as_parquet("messages"), lambda source: (source / "messages.parquet").write_bytes(
        (source / "messages.parquet").read_bytes()[:300])), ("messages.parquet", "cannot be read as a Parquet file")),
    Bad("Parquet struct id", as_parquet("contacts", "{'id': contact_id} AS contact_id, * EXCLUDE (contact_id)"),
        ("contacts.parquet", "column contact_id", "Parquet type STRUCT cannot hold text")),
    Bad("Parquet list number", as_parquet("contacts", "[phone] AS phone, * EXCLUDE (phone)"),
        ("contacts.parquet", "column phone", "cannot hold text")),
    Bad("Parquet float number", as_parquet("contacts", "CAST(447400123456 AS DOUBLE) AS phone, * EXCLUDE (phone)"),
        ("contacts.parquet", "column phone", "DOUBLE cannot hold text")),
    Bad("Parquet bytes body", as_parquet("messages", "encode(body) AS body, * EXCLUDE (body)"),
        ("messages.parquet", "column body", "BLOB cannot hold text")),
    Bad("Parquet text that is not a time", as_parquet("messages", "* REPLACE ('tomorrow' AS sent_at)"),
        ("messages.parquet rows 1, 2, 3, 4", "column sent_at"), "tomorrow"),
    Bad("Parquet NUL byte", as_parquet("inbound", "* REPLACE (body || chr(0) AS body)"),
        ("inbound.parquet row 1", "column body", "NUL byte")),
    Bad("NUL byte in CSV", rewrite_text("contacts", lambda text: text.replace("c3,", "c3\0,", 1)), ("contacts.csv line 4", "NUL byte")),
    Bad("not UTF-8", write_bytes("messages.csv", b"message_id,contact_id,to_phone,purpose,sender_id,body,sent_at\n"
                                 b"m1,c1,+447400123456,marketing,Acme,Caf\xe9 Acme STOP,2026-01-02T10:00:00Z\n"),
        ("messages.csv line 2", "column body", "invalid encoding")),
    Bad("binary garbage after the header", write_bytes("inbound.csv", b"inbound_id,from_phone,body,received_at\n"
                                                      + bytes(range(1, 256)) * 8 + b"\n"),
        ("inbound.csv line 2", "holds a control character")),
    Bad("too many fields", rewrite_text("contacts", lambda text: text.replace("\r\nc3,", ",extra\r\nc3,", 1)),
        ("contacts.csv line 3", "too many columns")),
    Bad("too few fields", write_bytes("contacts.csv", b"contact_id,phone,created_at\nc1,+447400123456\n"),
        ("contacts.csv line 2", "column created_at", "missing columns")),
    Bad("unterminated quote", write_bytes("contacts.csv", b'contact_id,phone,created_at\nc1,"+447400123456,2026-01-01\n'),
        ("contacts.csv line 2",)),
    Bad("empty file", write_bytes("consents.csv", b""), ("consents.csv", "empty file")),
    Bad("header only, after deliveries with rows", header_only("consents"), ("consents.csv", "holds no rows", "broken export")),
    Bad("contacts header only", header_only("contacts"), ("contacts.csv", "holds no rows")),
    Bad("column named twice", write_bytes("contacts.csv", b"contact_id,phone,phone,created_at\nc1,a,b,2026-01-01\n"),
        ("contacts.csv line 1", "column names must be unique")),
    Bad("a required column missing", rewrite_text("messages", lambda text: text.replace(",sent_at", ",when", 1)),
        ("messages.csv", "column sent_at", "requires column sent_at")),
    Bad("a table given twice", lambda source: shutil.copy(source / "contacts.csv", source / "contacts.parquet"),
        ("contacts is given twice",)),
    Bad("a table missing", lambda source: (source / "inbound.csv").unlink(), ("table inbound not found",)),
    Bad("duplicate contact id", edit("contacts", 2, "contact_id", "c1"), ("contacts.csv rows 1, 2", "column contact_id", "not unique")),
    Bad("empty contact id", edit("contacts", 3, "contact_id", ""), ("contacts.csv row 3", "column contact_id", "is empty")),
    Bad("unknown consent action", edit("consents", 3, "action", "optin"), ("consents.csv row 3", "column action"), "optin"),
    Bad("duplicate message id", edit("messages", 4, "message_id", "m1"), ("messages.csv rows 1, 4", "column message_id")),
    Bad("a delivered message changed", edit("messages", 1, "purpose", "marketing.other"),
        ("messages.csv row 1", "message_id was delivered before with other content")),
    Bad("a number in a purpose, shown by a finding's detail",
        add_edited("messages", 1, "message_id", "purpose", "offers +447400123456"),
        ("gate report.output stopped the run", "a phone number held in the warehouse"), code=3),
    Bad("manifest row count", manifest(lambda source: {"contacts.csv": {"rows": 6}}), ("contacts.csv", "5 rows read", "manifest.json says 6")),
    Bad("manifest checksum", manifest(lambda source: {"messages.csv": {"sha256": "0" * 64}}), ("messages.csv", "sha256", "manifest.json")),
    Bad("manifest lists a missing file", manifest(lambda source: {"replies.csv": {"rows": 1}}), ("manifest.json", "replies.csv")),
    Bad("manifest not JSON", lambda source: (source / "manifest.json").write_text("{rows: 5"), ("manifest.json", "not valid JSON")),
]


def snapshot(warehouse: Path) -> dict:
    with open_warehouse(warehouse, read_only=True) as connection:
        tables = connection.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                                    "WHERE schema_name IN ('core', 'audit') ORDER BY ALL").fetchall()
        return {f"{schema}.{name}": sorted(map(repr, connection.execute(f"SELECT * FROM {schema}.{name}").fetchall()))
                for schema, name in tables}


@pytest.fixture(scope="module")
def published(tmp_path_factory, policy) -> dict:
    """A warehouse holding one published nightly of the clean source, and that run's findings."""
    root = tmp_path_factory.mktemp("published")
    warehouse = root / "warehouse.duckdb"
    run_engine(clean_source(root / "clean"), warehouse, policy, with_gates=True, run_id="clean")
    return {"warehouse": warehouse, "findings": findings(warehouse, run_id="clean"), "snapshot": snapshot(warehouse)}


def outcome(source: Path, warehouse: Path, policy, run_id: str) -> tuple[int, str]:
    """What the CLI would say: (exit code, message), or (0, '') for a completed run."""
    try:
        run_engine(source, warehouse, policy, with_gates=True, run_id=run_id)
    except Exception as error:  # exit_status decides which failures are known
        status = exit_status(error)
        if status is None:
            raise
        return status
    return 0, ""


@pytest.mark.parametrize("case", BAD_SOURCES, ids=[case.name for case in BAD_SOURCES])
def test_a_bad_source_is_refused_naming_where_never_what_and_changes_nothing(case, published, policy, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(published["warehouse"], warehouse)
    source = clean_source(tmp_path / "source")
    case.mutate(source)
    code, said = outcome(source, warehouse, policy, run_id="bad")
    assert code == case.code, said
    for fragment in case.says:
        assert fragment in said, said
    assert case.value not in said and "7400123456" not in said
    assert said.count("\n") == 0
    assert snapshot(warehouse) == published["snapshot"]


def test_the_corpus_holds_at_least_forty_kinds():
    assert len(BAD_SOURCES) + len(BAD_POLICIES) >= 40


def two_gzip_members(source: Path) -> None:
    lines = (source / "contacts.csv").read_bytes().splitlines(keepends=True)
    (source / "contacts.csv.gz").write_bytes(gzip.compress(b"".join(lines[:3])) + gzip.compress(b"".join(lines[3:])))
    (source / "contacts.csv").unlink()


def reordered_and_quoted(source: Path) -> None:
    for table in ("contacts", "messages"):
        table_rows = rows(source, table)
        with open(source / f"{table}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(reversed(list(table_rows[0]))), quoting=csv.QUOTE_ALL)
            writer.writeheader()
            writer.writerows(table_rows)


TRICKY = {
    "Parquet, every column text": both(*(as_parquet(table) for table in ("contacts", "consents", "messages", "inbound"))),
    "Parquet, typed timestamps and integer-free ids": both(
        as_parquet("messages", "* REPLACE (CAST(sent_at AS TIMESTAMPTZ) AS sent_at)"),
        as_parquet("consents", "* REPLACE (CAST(occurred_at AS TIMESTAMPTZ) AS occurred_at)")),
    "gzip, two members": two_gzip_members,
    "LF line endings and a byte-order mark": rewrite_text("messages", lambda text: "\ufeff" + text.replace("\r\n", "\n")),
    "columns reordered, everything quoted": reordered_and_quoted,
    "the same instants in other offsets": both(
        edit("messages", 2, "sent_at", "2026-01-03T00:30:00+01:00"),
        edit("consents", 1, "occurred_at", "2026-01-01 09:00:00.000")),
    "extra columns outside contacts": rewrite_text("inbound", lambda text: text.replace(
        "received_at\r\n", "received_at,carrier\r\n", 1).replace("Z\r\n", "Z,vodafone\r\n")),
    "a manifest that matches": manifest(lambda source: {
        f"{table}.csv": {"rows": len(rows(source, table)), "sha256": sha256(source / f"{table}.csv")}
        for table in ("contacts", "consents", "messages", "inbound")}),
}


@pytest.mark.parametrize("form", list(TRICKY), ids=list(TRICKY))
def test_a_tricky_but_valid_form_gives_the_clean_sources_findings(form, published, policy, tmp_path):
    source = clean_source(tmp_path / "source")
    TRICKY[form](source)
    warehouse = tmp_path / "warehouse.duckdb"
    assert outcome(source, warehouse, policy, run_id="clean") == (0, "")
    assert findings(warehouse, run_id="clean") == published["findings"]


def test_a_column_named_like_a_number_is_a_finding_that_never_shows_the_number(published, policy, tmp_path):
    from listwarden import report

    source = clean_source(tmp_path / "source")
    rewrite_text("contacts", lambda text: text.replace("\r\n", ",x\r\n").replace(
        "last_activity_at,x\r\n", f"last_activity_at,{SECRET}\r\n", 1))(source)
    warehouse = tmp_path / "warehouse.duckdb"
    assert outcome(source, warehouse, policy, run_id="clean") == (0, "")
    extra = findings(warehouse, run_id="clean") - published["findings"]
    ((check, record_id),) = extra
    assert check == "undeclared_field" and record_id.startswith("column ") and "7400" not in record_id
    with open_warehouse(warehouse) as connection:
        path, _ = report.publish(connection, "clean", tmp_path / "reports")
        detail = connection.execute("SELECT detail FROM audit.violations WHERE \"check\" = 'undeclared_field'").fetchone()[0]
    assert "7400" not in detail and "7400123456" not in path.read_text(encoding="utf-8")


# --- policies ---------------------------------------------------------------------------------

DEFAULT = POLICY_FILE.read_text(encoding="utf-8")
BAD_POLICIES = [
    ("a key given twice", DEFAULT.replace("frequency_cap:\n", "frequency_cap:\n  max_messages: 9\n", 1),
     ("frequency_cap.max_messages: given twice",)),
    ("not UTF-8", DEFAULT.encode() + b"\n# caf\xe9\n", ("not UTF-8 text",)),
    ("not YAML", DEFAULT + "\n  : : [\n", ("not valid YAML",)),
    ("an unknown key", DEFAULT + "\nquiet_hour: {}\n", ("quiet_hour: Extra inputs are not permitted",)),
    ("a bad value", DEFAULT.replace("max_messages: 2", "max_messages: 0"), ("frequency_cap.max_messages",)),
    ("a bare YES", DEFAULT.replace('"YES"', "YES", 1), ("replies.en.opt_in.2",)),
    ("not a mapping", "- just\n- a list\n", ("must be a mapping",)),
]


@pytest.mark.parametrize(("name", "content", "says"), BAD_POLICIES, ids=[case[0] for case in BAD_POLICIES])
def test_a_bad_policy_is_refused_naming_the_key(name, content, says, tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(Exception) as refused:
        load_policy(path)
    code, said = exit_status(refused.value)
    assert code == 2 and said.startswith(f"rejected: {path}")
    for fragment in says:
        assert fragment in said, said


def test_a_policy_path_that_is_a_directory_or_missing_is_refused(tmp_path):
    for path, says in ((tmp_path, "is a directory, not a policy file"), (tmp_path / "missing.yaml", "policy file not found")):
        with pytest.raises(Exception) as refused:
            load_policy(path)
        assert exit_status(refused.value) == (2, f"rejected: {path}: {says}")

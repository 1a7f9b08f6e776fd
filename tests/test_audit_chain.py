"""The audit chain: every edit, deletion or insertion of an audit row is detected; erasure is not."""

from __future__ import annotations

import csv
import shutil

import duckdb
import pytest
from support import run_engine, run_erasure, run_retention
from typer.testing import CliRunner

from listwarden import access, audit, report
from flows.cli import app
from listwarden.warehouse import open_warehouse
from listwarden.warehouse import transaction as warehouse_transaction


@pytest.fixture(scope="module")
def sealed(tmp_path_factory, demo_source, policy):
    """A warehouse with a nightly's findings, a retention run and an erasure: every audit table used."""
    root = tmp_path_factory.mktemp("chain")
    warehouse, reports = root / "warehouse.duckdb", root / "reports"
    run_engine(demo_source, warehouse, policy)
    run_retention(warehouse, policy, reports)
    run_erasure(warehouse, policy, reports, subject=access.subject_of(*number_with_a_finding(demo_source)))
    with open_warehouse(warehouse) as connection:
        for run_id in ("retention-run", "erasure-run"):
            report.publish(connection, run_id, reports)
    return warehouse


def number_with_a_finding(demo_source) -> tuple[str, str]:
    """The number and country of the demo contact planted with a no_consent message."""
    def rows(table):
        with open(demo_source / f"{table}.csv", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    message_id = next(row["record_id"] for row in rows("planted_violations") if row["check"] == "no_consent")
    contact_id = next(row["contact_id"] for row in rows("messages") if row["message_id"] == message_id)
    contact = next(row for row in rows("contacts") if row["contact_id"] == contact_id)
    return contact["phone"], contact["country"]


@pytest.fixture
def copy(sealed, tmp_path):
    target = tmp_path / "warehouse.duckdb"
    shutil.copy(sealed, target)
    return target


def verify(warehouse, head=None):
    with open_warehouse(warehouse) as connection:
        return audit.verify(connection, head, check_keys=True)


def tamper(warehouse, statement: str) -> None:
    with open_warehouse(warehouse) as connection:
        assert connection.execute(statement).fetchone()[0] == 1


def test_the_trail_of_a_nightly_retention_and_erasure_verifies(sealed):
    result = verify(sealed)
    with open_warehouse(sealed) as connection:
        tables = {table: connection.execute(f"SELECT count(*), count(seq) FROM audit.{table}").fetchone()
                  for table in audit.AUDIT_TABLES}
        redacted = connection.execute("SELECT count(*) FROM audit.violations WHERE record_id = '(erased)'").fetchone()[0]
    assert result.verified, result.problem
    assert all(rows == sealed_rows and rows > 0 for table, (rows, sealed_rows) in tables.items() if table != "review_queue")
    assert result.head.seq == sum(rows for rows, _ in tables.values())
    assert redacted > 0  # the erasure redacted findings, and the chain still holds


@pytest.mark.parametrize("statement, problem", [
    ("UPDATE audit.violations SET detail = 'nothing to see' WHERE seq = (SELECT min(seq) FROM audit.violations)",
     "was edited: its content does not match its hash"),
    ("UPDATE audit.gate_results SET success = NOT success WHERE seq = (SELECT max(seq) FROM audit.gate_results)",
     "was edited: its content does not match its hash"),
    ("UPDATE audit.violations SET record_id = 'someone-else' WHERE seq = (SELECT min(seq) FROM audit.violations)",
     "does not match its keyed hash"),
    ("DELETE FROM audit.steps WHERE seq = (SELECT min(seq) FROM audit.steps)", "is missing before"),
    ("DELETE FROM audit.deletions WHERE seq = (SELECT min(seq) FROM audit.deletions)", "is missing before"),
    ("INSERT INTO audit.runs BY NAME SELECT 'forged' AS run_id, 'nightly' AS flow", "outside the chain"),
    ("INSERT INTO audit.violations BY NAME SELECT * REPLACE ('forged' AS run_id) FROM audit.violations "
     "WHERE seq = (SELECT min(seq) FROM audit.violations)", "repeats a place in the chain"),
])
def test_editing_deleting_or_inserting_a_row_is_detected(copy, statement, problem):
    assert verify(copy).verified
    tamper(copy, statement)
    result = verify(copy)
    assert not result.verified and problem in result.problem


def test_a_row_rewritten_with_a_fresh_hash_no_longer_gives_its_block_digest(copy):
    """An editor who knows the scheme and rehashes the row still cannot rewrite its block's digest."""
    with open_warehouse(copy) as connection:
        seq = connection.execute("SELECT min(seq) FROM audit.steps").fetchone()[0]
        rehashed = audit._row_hash("steps", "seq", audit._content(connection, "steps"), "NULL")
        connection.execute(f"UPDATE audit.steps SET step = 'forged' WHERE seq = {seq}")
        connection.execute(f"UPDATE audit.steps SET row_sha256 = {rehashed} WHERE seq = {seq}")
        first, last = connection.execute(
            f"SELECT first_seq, last_seq FROM audit.chain WHERE {seq} BETWEEN first_seq AND last_seq").fetchone()
    result = verify(copy)
    assert not result.verified and f"audit.steps rows seq {first}-{last} were rewritten" in result.problem


def test_deleting_the_last_row_is_detected_and_the_last_block_against_the_head_kept_outside(copy):
    head = verify(copy).head
    tamper(copy, f"DELETE FROM audit.deletions WHERE seq = {head.seq}")
    result = verify(copy)
    assert not result.verified and f"row seq {head.seq} is missing at the end of the chain" in result.problem
    with open_warehouse(copy) as connection:  # the whole last block and its link, deleted consistently
        first = connection.execute("SELECT first_seq FROM audit.chain WHERE last_seq = $s", {"s": head.seq}).fetchone()[0]
        connection.execute(f"DELETE FROM audit.deletions WHERE seq >= {first}")
        connection.execute(f"DELETE FROM audit.chain WHERE first_seq = {first}")
    assert verify(copy).verified  # the chain alone cannot tell: that is what the head file is for
    result = verify(copy, head)
    assert not result.verified and "rows were deleted at its end" in result.problem


def test_a_block_link_rewritten_is_detected(copy):
    tamper(copy, "UPDATE audit.chain SET chain_sha256 = repeat('0', 64) WHERE first_seq = 1")
    result = verify(copy)
    assert not result.verified and "do not follow from the rows before them" in result.problem


def test_a_redaction_no_erasure_recorded_is_detected_with_or_without_the_key(copy, tmp_path):
    tamper(copy, "UPDATE audit.violations SET record_id = '(erased)' "
                 "WHERE seq = (SELECT min(seq) FROM audit.violations WHERE record_id <> '(erased)')")
    result = verify(copy)
    assert not result.verified and "was redacted, but no erasure recorded the redaction" in result.problem
    exported = CliRunner().invoke(app, ["audit", "export", "--out", str(tmp_path / "export"), "--warehouse", str(copy)])
    assert exported.exit_code == 0, exported.output
    without_key = CliRunner().invoke(app, ["audit", "verify", "--export", str(tmp_path / "export")])
    assert without_key.exit_code == 5 and "no erasure recorded the redaction" in without_key.stderr


def test_the_export_verifies_without_the_key_and_catches_tampering(copy, tmp_path):
    runner = CliRunner()
    out = tmp_path / "export"
    exported = runner.invoke(app, ["audit", "export", "--out", str(out), "--warehouse", str(copy)])
    assert exported.exit_code == 0, exported.output
    checked = runner.invoke(app, ["audit", "verify", "--export", str(out), "--head", str(out / "chain_head.txt")])
    assert checked.exit_code == 0 and "audit chain verified" in checked.stdout
    edited = out / "metrics.parquet"
    duckdb.execute(f"COPY (SELECT * REPLACE (value + 1 AS value) FROM '{edited}') TO '{tmp_path / 'edited.parquet'}'")
    shutil.move(tmp_path / "edited.parquet", edited)
    broken = runner.invoke(app, ["audit", "verify", "--export", str(out)])
    assert broken.exit_code == 5 and "audit.metrics row seq" in broken.stderr


def test_each_run_leaves_its_head_beside_its_report_and_the_warehouse_verifies_through_it(sealed, tmp_path):
    reports = sealed.parent / "reports"
    heads = sorted(reports.glob("*/chain_head.txt"))
    # the engine run published without a report; the next run wrote it, as a flow's run does
    assert {path.parent.name for path in heads} == {"test-run", "retention-run", "erasure-run"}
    with open_warehouse(sealed) as connection:
        for path in heads:
            assert audit.Head.parse(path.read_text()) == audit.head(connection, path.parent.name)
    for path in heads:
        result = CliRunner().invoke(app, ["audit", "verify", "--warehouse", str(sealed), "--head", str(path)])
        assert result.exit_code == 0, result.output
    with open_warehouse(sealed) as connection:
        block_end, inside = connection.execute(
            "SELECT last_seq, first_seq FROM audit.chain WHERE rows > 1 ORDER BY first_seq LIMIT 1").fetchone()
    forged = tmp_path / "forged_head.txt"
    for seq, problem in ((block_end, "not the head given"), (inside, "is not a head of this chain")):
        forged.write_text(f"{seq} {'0' * 64}\n")
        refused = CliRunner().invoke(app, ["audit", "verify", "--warehouse", str(sealed), "--head", str(forged)])
        assert refused.exit_code == 5 and problem in refused.stderr


def test_a_report_rebuilt_later_is_byte_for_byte_the_one_written_at_run_time(tmp_path, demo_source, policy):
    warehouse, reports = tmp_path / "warehouse.duckdb", tmp_path / "reports"
    run_engine(demo_source, warehouse, policy, run_id="first", with_gates=True)
    with open_warehouse(warehouse) as connection:
        path, _ = report.publish(connection, "first", reports)
    written = {str(page.relative_to(path.parent)): page.read_bytes() for page in path.parent.rglob("*") if page.is_file()}
    assert {"index.html", "chain_head.txt", "gates/ingest.input.html"} <= set(written)
    run_engine(demo_source, warehouse, policy, run_id="second")  # the trail has moved on
    shutil.rmtree(reports)
    rebuilt = CliRunner().invoke(app, ["report", "--run", "first", "--warehouse", str(warehouse), "--reports", str(reports)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert {name: (reports / "first" / name).read_bytes() for name in written} == written


def test_the_report_gives_a_verdict_per_principle(tmp_path, demo_source, policy):
    warehouse = tmp_path / "warehouse.duckdb"
    run_engine(demo_source, warehouse, policy, with_gates=True)
    with open_warehouse(warehouse) as connection:
        path, data = report.publish(connection, "test-run", tmp_path / "reports")
    verdicts = {verdict["principle"]: verdict["verdict"] for verdict in data.verdicts}
    assert list(verdicts) == list(report.PRINCIPLES)
    assert verdicts["consent"] == "not met"  # the demo plants no_consent (critical)
    assert verdicts["minimisation"] == "met with findings"  # undeclared_field is medium
    assert verdicts["retention"] == "not checked"  # this run did not pass the retention gates
    assert verdicts["security"] == "met"
    assert 'id="verdicts"' in path.read_text(encoding="utf-8")


def test_a_column_added_to_an_audit_table_later_keeps_the_chain(copy):
    with open_warehouse(copy) as connection:
        connection.execute("ALTER TABLE audit.steps ADD COLUMN reviewer VARCHAR")
    assert verify(copy).verified


def test_the_record_of_processing_comes_from_the_policy_in_markdown_and_in_the_report(tmp_path, demo_source, policy):
    text = CliRunner().invoke(app, ["ropa"]).stdout
    for purpose in policy.purposes:
        assert f"`{purpose.name}`" in text
    assert "90 days after creation" in text and "5 years after the contact's deletion" in text
    warehouse = tmp_path / "warehouse.duckdb"
    run_engine(demo_source, warehouse, policy)
    with open_warehouse(warehouse) as connection:
        path, data = report.publish(connection, "test-run", tmp_path / "reports")
    html = path.read_text(encoding="utf-8")
    assert 'id="ropa"' in html and "marketing.newsletter" in html[html.index('id="ropa"'):]
    assert data.ropa["retention"][0].startswith("contacts that never opted in: 90 days")


def test_trends_cover_the_runs_up_to_the_reported_one(tmp_path, demo_source, policy):
    warehouse = tmp_path / "warehouse.duckdb"
    for run_id in ("one", "two", "three"):
        run_engine(demo_source, warehouse, policy, run_id=run_id)
    with open_warehouse(warehouse) as connection:
        _, second = report.publish(connection, "two", tmp_path / "reports")
        _, third = report.publish(connection, "three", tmp_path / "reports")
    assert {chart["series"] for chart in third.trends} == {"findings", "serious", "contacts", "valid_share", "opt_outs"}
    assert {chart["runs"] for chart in second.trends} == {2} and {chart["runs"] for chart in third.trends} == {3}
    assert len(next(c for c in third.trends if c["series"] == "findings")["points"].split()) == 3


def test_each_gate_links_to_its_data_docs_page(tmp_path, demo_source, policy):
    from listwarden import gates

    warehouse = tmp_path / "warehouse.duckdb"
    run_engine(demo_source, warehouse, policy, with_gates=True)
    with open_warehouse(warehouse) as connection:
        path, data = report.publish(connection, "test-run", tmp_path / "reports")
    assert 'href="gates/compliance.output.html"' in path.read_text(encoding="utf-8")
    page = (path.parent / "gates" / "compliance.output.html").read_text(encoding="utf-8")
    assert "Data documentation compiled by Great Expectations" in page and "compliance.output" in page
    failed = dict(next(o for o in data.gates if o["gate"] == "ingest.input"), success=False, unexpected_count=7)
    failing = gates.data_docs("ingest.input", [failed])
    assert "Failed" in failing and ">7<" in failing.replace(" ", "")


def test_a_million_sealed_findings_verify_and_one_edit_or_deletion_among_them_is_named(tmp_path, monkeypatch):
    """Sealing and verifying are set-based: a night of a million findings, then one row tampered with.
    Digests are computed 50,000 rows at a time here, so that the ranges meet inside the night."""
    monkeypatch.setattr(audit, "DIGEST_ROWS", 5 * audit.BLOCK_ROWS)
    warehouse = tmp_path / "warehouse.duckdb"
    with open_warehouse(warehouse) as connection:
        connection.execute("""
            INSERT INTO audit.violations BY NAME
            SELECT 'night-1' AS run_id, 'quiet_hours' AS "check", 'high' AS severity, 'messages' AS record_table,
                   'm' || range AS record_id, sha256(range::VARCHAR) AS subject, 'sent at 23:10 local' AS detail,
                   'policy quiet_hours' AS rule, audit_id_key('m' || range) AS record_key
            FROM range(1000000)""")
        with warehouse_transaction(connection):
            head = audit.seal(connection)
    with open_warehouse(warehouse) as connection:
        blocks = connection.execute("SELECT count(*), sum(rows), max(rows) FROM audit.chain").fetchone()
    assert head.seq == 1_000_000 and blocks == (100, 1_000_000, 10_000) and verify(warehouse).verified
    tamper(warehouse, "UPDATE audit.violations SET detail = 'sent at 12:00 local' WHERE seq = 654321")
    assert "audit.violations row seq 654321 was edited" in verify(warehouse).problem
    tamper(warehouse, "UPDATE audit.violations SET detail = 'sent at 23:10 local' WHERE seq = 654321")
    tamper(warehouse, "DELETE FROM audit.violations WHERE seq = 987654")
    assert "row seq 987654 is missing before audit.violations row seq 987655" in verify(warehouse).problem

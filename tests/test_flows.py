"""The real flows, run by Prefect (test server), on generated demo data."""

import csv
import json
import sys
from pathlib import Path

import duckdb
import phonenumbers
import pytest
from support import write_table
from typer.testing import CliRunner

from flows.cli import app
from listwarden import audit, runs
from listwarden.checks import CHECKS, CHECKS_BY_NAME
from listwarden.gates import GateFailed
from listwarden.warehouse import open_warehouse

pytestmark = pytest.mark.flow


@pytest.fixture(scope="module")
def nightly_run(prefect_server, demo_source, policy_path, tmp_path_factory):
    from flows.nightly import nightly

    root = tmp_path_factory.mktemp("nightly")
    warehouse, reports = root / "warehouse.duckdb", root / "reports"
    report_path = nightly(str(demo_source), str(policy_path), str(warehouse), str(reports))
    return {"warehouse": warehouse, "reports": reports, "report": report_path, "policy": policy_path}


def planted(demo_source):
    with open(demo_source / "planted_violations.csv", encoding="utf-8") as handle:
        return {(row["check"], row["record_table"], row["record_id"]) for row in csv.DictReader(handle)}


def audit_snapshot(warehouse):
    with open_warehouse(warehouse) as connection:
        tables = [f"{schema}.{name}" for schema, name in connection.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('core', 'audit') "
            "ORDER BY ALL").fetchall()]
        return {table: sorted(map(repr, connection.execute(f"SELECT * FROM {table}").fetchall())) for table in tables}


def test_nightly_finds_exactly_the_planted_violations(nightly_run, demo_source, policy):
    with open_warehouse(nightly_run["warehouse"]) as connection:
        found = set(connection.execute('SELECT "check", record_table, record_id FROM audit.violations').fetchall())
    expected = {row for row in planted(demo_source) if CHECKS_BY_NAME[row[0]].enabled(policy)}
    assert found == expected


def test_nightly_deletes_what_is_due_and_proves_it(nightly_run, demo_source):
    (forgotten,) = [row[2] for row in planted(demo_source) if row[0] == "retention_overdue"]
    with open_warehouse(nightly_run["warehouse"]) as connection:
        kept = {row[0] for row in connection.execute("SELECT contact_id FROM core.contacts").fetchall()}
        verified = connection.execute("SELECT action FROM audit.deletions WHERE phase = 'verify'").fetchall()
    assert forgotten not in kept and len(kept) > 0
    assert verified == [("verified",)]
    with open_warehouse(nightly_run["warehouse"]) as connection:
        chain = audit.verify(connection, audit.Head.parse(Path(nightly_run["report"]).with_name("chain_head.txt").read_text()))
    assert chain.verified, chain.problem


def test_nightly_records_the_run_its_steps_and_every_gate(nightly_run):
    with open_warehouse(nightly_run["warehouse"]) as connection:
        run = connection.execute("SELECT flow, status, inputs, versions FROM audit.runs").fetchall()
        gates_run = {row[0] for row in connection.execute("SELECT DISTINCT gate FROM audit.gate_results").fetchall()}
        steps = [row[0] for row in connection.execute("SELECT step FROM audit.steps ORDER BY started_at").fetchall()]
    (flow, status, inputs, versions), = run
    assert (flow, status) == ("nightly", "published")
    assert {entry["table"] for entry in json.loads(inputs)} == {"contacts", "consents", "messages", "inbound", "deactivations"}
    assert all(len(entry["sha256"]) == 64 for entry in json.loads(inputs))
    assert set(json.loads(versions)) == {"phonenumbers", "duckdb", "great-expectations", "prefect", "polars"}
    assert gates_run == {f"{step}.{side}" for step in ("ingest", "accuracy", "optouts", "compliance", "retention")
                         for side in ("input", "output")}
    assert steps[0] == "land sources" and steps[-1] == "retention checks"


def test_the_report_shows_every_check_and_the_artifact_summarises_it(nightly_run):
    from prefect.client.orchestration import get_client

    html = open(nightly_run["report"], encoding="utf-8").read()
    assert nightly_run["report"].startswith(str(nightly_run["reports"]))
    for check in CHECKS:
        assert f'id="check-{check.name}"' in html
    accuracy_section = html[html.index('<section id="accuracy">'):html.index('<section id="samples">')]
    assert "mobile not confirmed" in accuracy_section and "country hints contradicted" in accuracy_section
    for section in ("opt-outs", "messages", "audience"):
        assert f'<section id="{section}">' in html
    assert "mentions:en:STOP" in html  # the demo's "Will the sale stop on Sunday?" is in the review queue
    run_id = Path(nightly_run["report"]).parent.name
    with get_client(sync_client=True) as client:
        (artifact,) = [a for a in client.read_artifacts()
                       if a.key == "listwarden-report" and a.data.startswith(f"# listwarden run {run_id}\n")]
    assert "| no_consent | critical | 1 |" in artifact.data
    assert "mobile not confirmed" in artifact.data and "Deletions: " in artifact.data
    head = Path(nightly_run["report"]).with_name("chain_head.txt").read_text().strip()
    assert f"Audit chain head after this run: `{head}`" in artifact.data


def raw_number_forms(demo_source):
    """Every way a demo number could appear: as typed, E.164 digits, national significant number."""
    forms = set()
    with open(demo_source / "contacts.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            digits = "".join(ch for ch in row["phone"] if ch.isdigit())
            if len(digits) >= 7:
                forms.add(digits)
            try:
                number = phonenumbers.parse(row["phone"], row["country"] or None)
            except phonenumbers.NumberParseException:
                continue
            forms.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:])
            forms.add(phonenumbers.national_significant_number(number))
    return {form for form in forms if len(form) >= 7}


def test_no_raw_number_in_the_report_logs_artifacts_or_audit_tables(nightly_run, demo_source):
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        logs = " ".join(log.message for log in client.read_logs())
        artifacts = " ".join(str(artifact.data) for artifact in client.read_artifacts())
    audit_text = " ".join(" ".join(rows) for table, rows in audit_snapshot(nightly_run["warehouse"]).items()
                          if table.startswith("audit."))
    html = open(nightly_run["report"], encoding="utf-8").read()
    places = {"report": html, "logs": logs, "artifacts": artifacts, "audit": audit_text}
    digits_only = {name: "".join(ch if ch.isdigit() else " " for ch in text) for name, text in places.items()}
    for name, text in digits_only.items():
        tokens = set(text.split())
        leaked = [form for form in raw_number_forms(demo_source) if any(token.endswith(form) for token in tokens)]
        assert not leaked, f"{len(leaked)} numbers appear in the {name}"
    assert len(logs) > 1000  # the logs were really read


def test_a_bad_source_stops_the_run_and_changes_nothing(nightly_run, demo_source, tmp_path):
    from flows.nightly import nightly

    before = audit_snapshot(nightly_run["warehouse"])
    bad = tmp_path / "bad-source"
    bad.mkdir()
    for path in demo_source.iterdir():
        (bad / path.name).write_bytes(path.read_bytes())
    with open(bad / "consents.csv", encoding="utf-8") as handle:
        consents = list(csv.DictReader(handle))
    consents[6]["occurred_at"] = "7 March 2026"
    write_table(bad, "consents", consents, columns=tuple(consents[0]))
    with pytest.raises(GateFailed) as stopped:
        nightly(str(bad), str(nightly_run["policy"]), str(nightly_run["warehouse"]), str(nightly_run["reports"]))
    assert "consents.csv row 7, column occurred_at: occurred_at is not an ISO 8601 timestamp" in str(stopped.value)
    assert audit_snapshot(nightly_run["warehouse"]) == before


def test_the_cli_exports_violations_and_reports_a_stop_with_its_exit_code(nightly_run, demo_source, tmp_path, policy):
    runner = CliRunner()
    exported = runner.invoke(app, ["violations", "--warehouse", str(nightly_run["warehouse"]), "--format", "csv"])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(exported.stdout.splitlines()))
    assert {(r["check"], r["record_table"], r["record_id"]) for r in rows} == {
        row for row in planted(demo_source) if CHECKS_BY_NAME[row[0]].enabled(policy)}
    assert list(rows[0]) == ["opened_run", "check", "severity", "record_table", "record_id", "subject", "detail", "rule"]
    as_json = runner.invoke(app, ["violations", "--warehouse", str(nightly_run["warehouse"]), "--format", "json"])
    assert len(json.loads(as_json.stdout)) == len(rows)

    missing = tmp_path / "empty-source"
    missing.mkdir()
    rejected = runner.invoke(app, ["run", "nightly", "--source", str(missing), "--warehouse", str(nightly_run["warehouse"]),
                                   "--reports", str(nightly_run["reports"]), "--policy", str(nightly_run["policy"])])
    assert rejected.exit_code == 2
    assert "table contacts not found" in rejected.stderr


def test_a_job_run_by_hand_is_a_run_of_its_own(nightly_run):
    from flows.accuracy import accuracy

    report_path = accuracy(str(nightly_run["policy"]), str(nightly_run["warehouse"]), str(nightly_run["reports"]))
    with open_warehouse(nightly_run["warehouse"]) as connection:
        latest = connection.execute("SELECT run_id, flow FROM audit.runs ORDER BY finished_at DESC LIMIT 1").fetchone()
        checks_found = {row[0] for row in connection.execute(
            """SELECT DISTINCT "check" FROM findings_of_run(?, 'open')""", [latest[0]]).fetchall()}
        written_again = connection.execute("SELECT count(*) FROM audit.violations WHERE run_id = ?",
                                           [latest[0]]).fetchone()[0]
    assert latest[1] == "accuracy"
    assert {"invalid_number", "not_sms_capable", "duplicate_number"} <= checks_found
    assert written_again == 0  # the nightly's accuracy findings still hold: not written again
    assert latest[0] in report_path


NIGHTLY = """
import sys
from flows.nightly import nightly
nightly({source!r}, {policy!r}, {warehouse!r}, {reports!r}, allow_large_deletion=True)
"""


def run_nightly_process(source, warehouse, reports, policy, kill_at=None) -> int:
    """The real nightly flow in a process of its own (on the test's Prefect server), SIGKILLed at a crash point."""
    import os
    import subprocess

    from prefect.settings import PREFECT_API_URL

    script = NIGHTLY.format(source=str(source), policy=str(policy), warehouse=str(warehouse), reports=str(reports))
    environment = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),
                   **({"LISTWARDEN_KILL_AT": kill_at} if kill_at else {})}
    return subprocess.run([sys.executable, "-c", script], env=environment, cwd=Path(__file__).parent.parent,
                          capture_output=True, timeout=300).returncode


@pytest.mark.parametrize("kill_at", ["land", "published"])
def test_a_nightly_killed_changes_nothing_or_is_finished_and_reported_by_the_next(kill_at, prefect_server, tmp_path,
                                                                                policy_path):
    import signal

    from test_retention import shared_numbers_source

    source = shared_numbers_source(tmp_path / "source")
    warehouse, reports = tmp_path / "warehouse.duckdb", tmp_path / "reports"
    published_before = 1 if kill_at == "land" else 0  # a kill before publishing must leave a published run as it was
    if published_before:
        assert run_nightly_process(source, warehouse, reports, policy_path) == 0
        before = audit_snapshot(warehouse)
    assert run_nightly_process(source, warehouse, reports, policy_path, kill_at) == -signal.SIGKILL
    with open_warehouse(warehouse) as connection:
        runs = [row[0] for row in connection.execute("SELECT run_id FROM audit.runs ORDER BY finished_at").fetchall()]
    if kill_at == "land":
        assert audit_snapshot(warehouse) == before and len(runs) == 1
    else:
        assert len(runs) == 1 and not (reports / runs[0]).exists()  # published, then killed before its report
    assert run_nightly_process(source, warehouse, reports, policy_path) == 0
    with open_warehouse(warehouse) as connection:
        runs = [row[0] for row in connection.execute("SELECT run_id FROM audit.runs ORDER BY finished_at").fetchall()]
        found = {run: set(connection.execute("""SELECT "check", record_id FROM findings_of_run(?, 'open')""",
                                             [run]).fetchall()) for run in runs}
        unverified = connection.execute("SELECT count(*) FROM audit.deletions WHERE phase = 'verify' "
                                        "AND action <> 'verified'").fetchone()[0]
        head = audit.verify(connection, check_keys=True)
    assert all((reports / run / "chain_head.txt").is_file() for run in runs)  # the killed run's report too
    assert found[runs[-1]] == found[runs[-2]]  # the same source, the same findings
    assert unverified == 0 and head.verified, head.problem


def test_what_a_run_writes_is_its_owners_only(nightly_run, tmp_path):
    import stat

    def mode(path):
        return stat.S_IMODE(path.stat().st_mode)

    warehouse, reports = nightly_run["warehouse"], nightly_run["reports"]
    assert mode(warehouse) == 0o600 and mode(Path(f"{warehouse}.lock")) == 0o600
    written = [path for path in reports.rglob("*")]
    assert written and all(mode(path) == (0o700 if path.is_dir() else 0o600) for path in written)
    exported = CliRunner().invoke(app, ["audit", "export", "--out", str(tmp_path / "audit"), "--warehouse", str(warehouse)])
    assert exported.exit_code == 0, exported.output
    assert mode(tmp_path / "audit") == 0o700
    assert all(mode(path) == 0o600 for path in (tmp_path / "audit").iterdir())


def test_an_audit_export_is_verified_through_its_own_head(nightly_run, tmp_path):
    out = tmp_path / "audit"
    assert CliRunner().invoke(app, ["audit", "export", "--out", str(out), "--warehouse",
                                    str(nightly_run["warehouse"])]).exit_code == 0
    last = duckdb.execute(f"SELECT table_name, first_seq FROM '{out / 'chain.parquet'}' ORDER BY first_seq DESC LIMIT 1").fetchone()
    for table, column in ((last[0], "seq"), ("chain", "first_seq")):  # the last block, taken away consistently
        kept = tmp_path / "kept.parquet"
        duckdb.execute(f"COPY (SELECT * FROM '{out / f'{table}.parquet'}' WHERE {column} < {last[1]}) TO '{kept}'")
        kept.replace(out / f"{table}.parquet")
    checked = CliRunner().invoke(app, ["audit", "verify", "--export", str(out)])
    assert checked.exit_code == 5 and "rows were deleted at its end" in checked.stderr


def test_export_sendable_works_after_a_run_that_deleted(nightly_run, tmp_path):
    with open_warehouse(nightly_run["warehouse"]) as connection:
        deleted = connection.execute("SELECT count(*) FROM audit.deletions WHERE phase = 'apply'").fetchone()[0]
    assert deleted  # the nightly deleted the demo's due contact, and emptied its scratch schema
    out = tmp_path / "offers.csv"
    written = CliRunner().invoke(app, ["export", "sendable", "--purpose", "marketing.offers", "--out", str(out),
                                       "--warehouse", str(nightly_run["warehouse"])])
    assert written.exit_code == 0, written.output
    assert out.read_text().startswith("contact_id,e164")


def test_a_command_killed_takes_its_temporary_prefect_server_with_it(tmp_path, demo_source):
    """A `kill -9` of a command must not leave Prefect's temporary server running (re-parented to
    PID 1, holding its port)."""
    import os
    import re
    import signal
    import socket
    import subprocess
    import time

    environment = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    command = [str(Path(sys.executable).parent / "listwarden"), "run", "nightly", "--source", str(demo_source),
               "--warehouse", str(tmp_path / "warehouse.duckdb"), "--reports", str(tmp_path / "reports")]
    process = subprocess.Popen(command, env={**environment, "PREFECT_HOME": str(tmp_path / "prefect")},
                               stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    port = None
    for line in process.stderr:
        found = re.search(r"Starting temporary server on http://127\.0\.0\.1:(\d+)", line)
        if found:
            port = int(found.group(1))
            break
    assert port, "the command never started its temporary server"

    def listening() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    deadline = time.monotonic() + 60
    while not listening() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert listening()
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not listening():
            return
        time.sleep(0.5)
    pytest.fail(f"the temporary Prefect server still listens on port {port} after its command was killed")


def test_every_job_of_a_run_applies_the_policy_the_run_recorded(prefect_server, policy_path, policy, tmp_path):
    """The policy file says at most two messages a day; the run recorded one a day. Its jobs, run
    as Prefect subflows of the run, apply what it recorded, not what the file says now."""
    from support import consent, contact, message, write_source

    from flows.accuracy import accuracy
    from flows.compliance import compliance
    from flows.ingest import ingest
    from flows.optouts import optouts

    source = write_source(tmp_path / "source", contacts=[contact("c1")],
                          consents=[consent("e1", "c1", "marketing", "opt_in", "2026-01-01T09:00:00Z")],
                          messages=[message("m1", "c1", "marketing", "2026-01-02T10:00:00Z", body="Acme: one. Reply STOP to opt out"),
                                    message("m2", "c1", "marketing", "2026-01-02T15:00:00Z", body="Acme: two. Reply STOP to opt out")])
    warehouse, reports = tmp_path / "warehouse.duckdb", tmp_path / "reports"
    recorded = policy.model_copy(update={"frequency_cap": policy.frequency_cap.model_copy(update={"max_messages": 1})})
    with open_warehouse(warehouse) as connection:
        runs.begin(connection, "recorded-run", "test", {}, recorded, "sha256 of the recorded document")
    arguments = {"policy": str(policy_path), "warehouse": str(warehouse), "reports": str(reports), "run_id": "recorded-run"}
    ingest(str(source), **arguments)
    for job in (accuracy, optouts, compliance):
        job(**arguments)
    with open_warehouse(warehouse) as connection:
        found = connection.execute('SELECT "check", record_id FROM work.violations').fetchall()
    assert found == [("frequency_cap", "m2")]

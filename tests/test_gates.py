"""The suites in expectations/: well formed, and each gate catches what it is for."""

import json

import pytest
from support import contact, run_engine, write_source

from listwarden import gates, report, resources
from listwarden.checks import CHECKS
from listwarden.warehouse import open_warehouse

GATES = sorted(path.stem for path in resources.EXPECTATIONS_DIR.glob("*.json"))


def test_every_step_has_an_input_and_an_output_gate():
    assert GATES == [f"{step}.{side}" for step in ("accuracy", "compliance", "ingest", "optouts", "report", "retention")
                     for side in ("input", "output")]


@pytest.mark.parametrize("gate", GATES)
def test_every_expectation_names_its_table_and_explains_a_failure(gate):
    import great_expectations as gx

    suite = gates.load_suite(gate)
    assert suite["name"] == gate
    for expectation in suite["expectations"]:
        assert expectation["meta"]["table"].split(".")[0] in {"landing", "staging", "work"}
        assert expectation["description"]
        assert expectation.get("severity", "critical") in {"critical", "warning"}
    gx.ExpectationSuite(name=gate, expectations=[gates._expectation(e) for e in suite["expectations"]])


def test_the_vocabulary_gate_lists_every_check():
    suite = gates.load_suite("compliance.output")
    vocabulary = next(e for e in suite["expectations"] if e["kwargs"].get("column") == "check")
    assert vocabulary["kwargs"]["value_set"] == [check.name for check in CHECKS]


@pytest.fixture
def published(tmp_path, warehouse_path, policy):
    source = write_source(tmp_path / "source", contacts=[contact("c1", "+44 7400 123456")])
    run_engine(source, warehouse_path, policy, run_id="run-a")
    return warehouse_path


def render_page(connection, html):
    connection.execute("CREATE OR REPLACE TABLE work.report_pages (name VARCHAR, html VARCHAR)")
    connection.execute("INSERT INTO work.report_pages VALUES ('index.html', ?)", [html])


@pytest.mark.parametrize("shown", ["+447400123456", "+44 7400 123456", "447400123456", "07400 123456",
                                   "7400 123456", "(0)7400-123456"])
def test_the_report_gate_catches_a_number_of_the_warehouse_in_any_format(published, shown):
    with open_warehouse(published) as connection:
        render_page(connection, f"<p>finding for {shown}</p>")
        with pytest.raises(gates.GateFailed, match="the report shows a phone number held in the warehouse"):
            gates.check(connection, "report.output", record=False)


def test_the_report_gate_passes_hashes_dates_counts_and_other_numbers(published):
    with open_warehouse(published) as connection:
        subject = connection.execute("SELECT subject FROM core.contacts").fetchone()[0]
        render_page(connection, f"<p>{subject} 2026-03-01T10:00:00Z 12,345 findings; +44 7400 999999</p>")
        assert all(o.success for o in gates.check(connection, "report.output", record=False))


def test_a_real_report_passes_its_gates(published, tmp_path):
    with open_warehouse(published) as connection:
        path, data = report.publish(connection, "run-a", tmp_path / "reports")
    assert path.read_text(encoding="utf-8").count("check-") == len(CHECKS)
    assert data.run["run_id"] == "run-a"


def test_gate_results_are_recorded_with_counts_and_row_numbers_only(tmp_path, warehouse_path, policy):
    source = write_source(tmp_path / "source", contacts=[contact("c1"), contact("c1", "+447400123499")])
    with pytest.raises(gates.GateFailed):
        run_engine(source, warehouse_path, policy, with_gates=True)
    with open_warehouse(warehouse_path) as connection:
        failed = connection.execute(
            "SELECT gate, table_name, column_name, unexpected_count, sample_rows FROM work.gate_results WHERE NOT success"
        ).fetchall()
        recorded = json.dumps(connection.execute("SELECT * FROM work.gate_results").fetchall(), default=str)
    assert failed == [("ingest.input", "landing.contacts", "contact_id", 2, [1, 2])]
    assert "7400123499" not in recorded


def test_every_gate_query_file_is_used_by_its_suite_and_every_named_query_exists():
    named = {(gate, e["meta"]["query"]) for gate in GATES for e in gates.load_suite(gate)["expectations"]
             if "query" in e["meta"]}
    files = {(path.parent.name, path.stem) for path in (resources.SQL_DIR / "gates").glob("*/*.sql")}
    assert named == files


def test_a_suite_naming_a_missing_query_fails_loudly():
    with pytest.raises(FileNotFoundError, match="no_such_query"):
        gates.gate_query("compliance.output", "no_such_query")

"""The check registry: every check declares itself, is run by its job, catches its case and passes
its other case; a new check is one SQL file and its cases."""

import re
import shutil
from datetime import date
from functools import reduce
from pathlib import Path

import pytest
from support import POLICY_SHA256, write_table

from listwarden import cases, checks, gates, jobs
from listwarden.policy import Policy
from listwarden.warehouse import open_warehouse

README = Path(__file__).resolve().parent.parent / "README.md"
HEADER = """/* check
job: compliance
severity: low
principle: content
rule: policy sender_names
explanation: A message sent under a sender id the policy does not name.
finds: a message whose `sender_id` is none of `sender_names`
binds:
  sender_names: sender_names
*/
SELECT 'messages' AS record_table, message_id AS record_id, NULL AS subject, 'sender ' || sender_id AS detail
FROM staging.messages
WHERE NOT list_contains($sender_names, sender_id)
"""
CASES = """catch:
  contacts: [{contact_id: c1, phone: "+447400100190"}]
  consents: [{event_id: e1, contact_id: c1, occurred_at: -60d 09:05}]
  messages: [{message_id: m1, contact_id: c1, to_phone: "+447400100190", sender_id: AcmeOutlet, sent_at: -50d 12:00}]
  finds: [messages m1]
pass:
  contacts: [{contact_id: c1, phone: "+447400100191"}]
  consents: [{event_id: e1, contact_id: c1, occurred_at: -60d 09:05}]
  messages: [{message_id: m1, contact_id: c1, to_phone: "+447400100191", sent_at: -50d 12:00}]
"""


def every_check_on(policy: Policy) -> Policy:
    """The policy with every check that a setting turns on turned on."""
    document = policy.model_dump()
    for check in checks.CHECKS:
        if check.enabled_by:
            *path, last = check.enabled_by.split(".")
            reduce(dict.__getitem__, path, document)[last] = True
    return Policy.model_validate(document)


def run_cases(directory: Path, warehouse: Path, reports: Path, policy: Policy) -> tuple[set, set]:
    """Every check's catch and pass cases together through the nightly's jobs, gates on, reported:
    (what was found, what the catch cases say must be found), as (check, record_table, record_id)."""
    today = date.today()
    catch, passing = cases.load_all("catch", today), cases.load_all("pass", today)
    catch.add(passing)
    directory.mkdir(parents=True)
    for table, rows in catch.tables.items():
        write_table(directory, table, rows, columns=cases.columns(table, rows))
    arguments = jobs.Arguments(policy=policy, source=directory, allow_large_deletion=True)
    jobs.run_direct(warehouse, jobs.NIGHTLY, arguments, "cases", "test", POLICY_SHA256, reports=reports)
    with open_warehouse(warehouse) as connection:
        found = set(connection.execute('SELECT "check", record_table, record_id FROM audit.violations').fetchall())
    return found, catch.finds


def test_every_check_catches_its_case_and_passes_its_other_case(tmp_path, policy):
    found, expected = run_cases(tmp_path / "source", tmp_path / "warehouse.duckdb", tmp_path / "reports",
                                every_check_on(policy))
    missed = {check for check, *_ in expected - found}
    flagged = {check for check, *_ in found - expected}
    assert not missed and not flagged, f"not caught: {sorted(missed)}; flagged beyond its case: {sorted(flagged)}"
    assert {check for check, *_ in expected} == set(checks.CHECKS_BY_NAME)


def test_every_check_declares_its_cases_with_numbers_of_its_own():
    numbers = {}
    for check in checks.CHECKS:
        for side in cases.SIDES:
            tables = cases.load(check, side, date.today()).tables
            typed = [row[column] for table, column in (("contacts", "phone"), ("messages", "to_phone"),
                                                       ("inbound", "from_phone")) for row in tables[table]]
            for number in typed:
                numbers.setdefault(re.sub(r"\D", "", number)[-9:], set()).add(check.name)
    shared = {digits: names for digits, names in numbers.items() if len(names) > 1}
    assert not shared  # the cases are planted together: one check's number must not trip another


@pytest.fixture
def throwaway_check(tmp_path, monkeypatch):
    """The shipped checks plus one new file and its cases, as the registry would find them."""
    directory = tmp_path / "checks"
    shutil.copytree(checks.CHECKS_DIR, directory)
    (directory / "unnamed_sender.sql").write_text(HEADER, encoding="utf-8")
    (directory / "unnamed_sender.cases.yaml").write_text(CASES, encoding="utf-8")
    discovered = checks.discover(directory)
    monkeypatch.setattr(checks, "CHECKS_DIR", directory)
    monkeypatch.setattr(checks, "CHECKS", discovered)
    monkeypatch.setattr(checks, "CHECKS_BY_NAME", {check.name: check for check in discovered})
    return checks.CHECKS_BY_NAME["unnamed_sender"]


def test_a_new_check_is_one_file_and_its_cases_and_is_run_gated_and_reported(throwaway_check, tmp_path, policy):
    found, expected = run_cases(tmp_path / "source", tmp_path / "warehouse.duckdb", tmp_path / "reports",
                                every_check_on(policy))
    assert {row for row in found if row[0] == "unnamed_sender"} == {("unnamed_sender", "messages", "unnamed_sender-m1")}
    assert found == expected
    vocabulary = next(e for e in gates.load_suite("compliance.output")["expectations"] if e["kwargs"].get("column") == "check")
    assert "unnamed_sender" in vocabulary["kwargs"]["value_set"]
    (report,) = (tmp_path / "reports").glob("*/index.html")
    assert 'id="check-unnamed_sender"' in report.read_text(encoding="utf-8")
    assert "| `unnamed_sender` | compliance | low | content |" in checks.markdown_table()


@pytest.mark.parametrize(("change", "complaint"), [
    (lambda text: text.replace("severity: low", "severity: dire"), "severity 'dire' is not one of"),
    (lambda text: text.replace("principle: content", "principle: vibes"), "principle 'vibes' is not one of"),
    (lambda text: text.replace("rule: policy sender_names\n", ""), "header keys missing: ['rule']"),
    (lambda text: text.replace("  sender_names: sender_names\n", "  sender_names: sender_nicknames\n"),
     "'sender_nicknames' is not a policy setting"),
    (lambda text: text.replace("binds:\n  sender_names: sender_names\n", ""), "the query binds ['sender_names']"),
    (lambda text: text.replace("/* check\n", "/* a check\n"), "opens with its header"),
])
def test_a_check_that_does_not_declare_itself_fails_loudly(tmp_path, change, complaint):
    (tmp_path / "unnamed_sender.sql").write_text(change(HEADER), encoding="utf-8")
    with pytest.raises(checks.CheckError, match=re.escape(complaint)):
        checks.discover(tmp_path)


def test_a_check_whose_job_runs_no_checks_fails_loudly(tmp_path, monkeypatch):
    (tmp_path / "unnamed_sender.sql").write_text(HEADER.replace("job: compliance", "job: optouts"), encoding="utf-8")
    monkeypatch.setattr(checks, "CHECKS", checks.discover(tmp_path))
    with pytest.raises(jobs.JobError, match="check unnamed_sender: job 'optouts' runs no checks"):
        jobs.check_registries()


def test_a_check_without_its_cases_fails_loudly(tmp_path, throwaway_check):
    (checks.CHECKS_DIR / "unnamed_sender.cases.yaml").unlink()
    with pytest.raises(cases.CaseError, match="unnamed_sender.cases.yaml: missing"):
        cases.load_all("catch", date.today())


def test_the_readme_table_of_checks_is_current():
    assert checks.markdown_table() in README.read_text(encoding="utf-8"), \
        "regenerate it with `listwarden checks` and paste it into the README"


def test_a_renamed_check_file_fails_loudly_instead_of_dropping_out(tmp_path, monkeypatch):
    directory = tmp_path / "checks"
    shutil.copytree(checks.CHECKS_DIR, directory)
    (directory / "help_not_answered.sql").rename(directory / "help_unanswered.sql")
    monkeypatch.setattr(checks, "CHECKS_DIR", directory)
    monkeypatch.setattr(checks, "CHECKS", checks.discover(directory))
    with pytest.raises(cases.CaseError, match="help_unanswered.cases.yaml: missing"):
        cases.load_all("catch", date.today())

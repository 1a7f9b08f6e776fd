"""Retention and erasure: each rule deletes exactly what it selects, the gate refuses what it must,
erasure leaves no byte behind, and a crash at any point leaves the old or the new state."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support import POLICY_FILE, POLICY_SHA256, consent, contact, inbound_row, message, run_engine, run_erasure, run_retention, write_source

from listwarden import access, checks, resources, export, gates, report, retention, retention_rules, ropa, runs, settings, warehouse
from listwarden.policy import Retention
from listwarden.warehouse import WarehouseError, open_warehouse

NOW = datetime.now(UTC)
KEPT_NUMBER, ERASED_NUMBER = "+447400123401", "+447400123499"


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def person(contact_id: str, number: str, created_days: float, active_days: float | None = None) -> dict:
    row = contact(contact_id, phone=number, created_at=ago(created_days))
    row["last_activity_at"] = ago(active_days) if active_days is not None else ""
    return row


def numbered(index: int) -> str:
    return f"+4474001234{index:02d}"


def rule_cases() -> dict:
    """One contact (or message, or reply) on each side of each rule's edge."""
    contacts = [
        person("never-89", numbered(10), 89, 1), person("never-90", numbered(11), 90, 1),
        person("never-91", numbered(12), 91, 1),
        person("withdrew-29", numbered(13), 300, 1), person("withdrew-31", numbered(14), 300, 1),
        person("half-withdrawn", numbered(15), 300, 1),
        person("idle-729", numbered(16), 800, 729), person("idle-731", numbered(17), 800, 731),
        person("replied-lately", numbered(18), 900, 800), person("undated-consented-lately", numbered(19), 900),
        person("undated-silent", numbered(20), 800),
        person("active", KEPT_NUMBER, 900, 1),
    ]
    consents = [consent(f"e-{c['contact_id']}", c["contact_id"], "marketing", "opt_in", ago(299))
                for c in contacts[3:6]]
    consents += [consent(f"e-{c['contact_id']}", c["contact_id"], "marketing", "opt_in", ago(790))
                 for c in contacts[6:] if c["contact_id"] != "undated-consented-lately"]
    consents += [
        consent("out-29", "withdrew-29", "marketing", "opt_out", ago(29)),
        consent("out-31", "withdrew-31", "marketing", "opt_out", ago(31)),
        consent("half-service", "half-withdrawn", "service.updates", "opt_in", ago(299)),
        consent("half-out", "half-withdrawn", "marketing", "opt_out", ago(60)),
        consent("e-undated-consented-lately", "undated-consented-lately", "marketing", "opt_in", ago(100)),
    ]
    messages = [
        message("m-old", "active", "service.updates", ago(731), to_phone=KEPT_NUMBER),
        message("m-young", "active", "service.updates", ago(729), to_phone=KEPT_NUMBER),
        message("m-of-idle", "idle-731", "service.updates", ago(740), to_phone=numbered(17)),
    ]
    inbound = [inbound_row("r-old", KEPT_NUMBER, "thanks", ago(731)),
               inbound_row("r-young", KEPT_NUMBER, "thanks", ago(729)),
               inbound_row("r-lately", numbered(18), "thanks", ago(5))]
    return {"contacts": contacts, "consents": consents, "messages": messages, "inbound": inbound}


KEPT = {"never-89", "withdrew-29", "half-withdrawn", "idle-729", "replied-lately", "undated-consented-lately", "active"}


@pytest.fixture
def rules_warehouse(tmp_path, warehouse_path, policy):
    run_engine(write_source(tmp_path / "source", **rule_cases()), warehouse_path, policy)
    return warehouse_path


def ids(connection, query: str) -> set[str]:
    return {row[0] for row in connection.execute(query).fetchall()}


def test_each_rule_deletes_exactly_what_it_selects(rules_warehouse, policy, tmp_path):
    run_retention(rules_warehouse, policy, tmp_path / "reports", allow_large_deletion=True)
    with open_warehouse(rules_warehouse) as connection:
        assert ids(connection, "SELECT contact_id FROM staging.contacts") == KEPT
        assert ids(connection, "SELECT contact_id FROM core.contacts") == ids(connection, "SELECT contact_id FROM staging.contacts")
        assert ids(connection, "SELECT message_id FROM staging.messages") == {"m-young"}
        assert ids(connection, "SELECT inbound_id FROM staging.inbound") == {"r-young", "r-lately"}
        assert ids(connection, "SELECT inbound_id FROM core.inbound") == {"r-young", "r-lately"}
        planned = connection.execute(
            "SELECT rule, table_name, rows FROM audit.deletions WHERE phase = 'plan' AND action = 'delete' "
            "AND table_name IN ('contacts', 'messages', 'inbound') ORDER BY ALL").fetchall()
        assert planned == [("inactive", "contacts", 2), ("inactive", "messages", 1), ("inbound_expired", "inbound", 1),
                           ("messages_expired", "messages", 1), ("no_opt_in", "contacts", 2), ("withdrawn", "contacts", 1)]
        phases = ids(connection, "SELECT phase FROM audit.deletions")
        compaction = connection.execute("SELECT outcome FROM audit.deletions WHERE phase = 'compact'").fetchone()[0]
        path, _ = report.publish(connection, "retention-run", tmp_path / "reports")
    assert phases == {"plan", "apply", "files", "compact", "verify"}
    assert re.fullmatch(r"done in \d+\.\d s, [\d,]+ MiB written", compaction)
    html = path.read_text(encoding="utf-8")
    section = html[html.index('<section id="deletions">'):]
    assert section.index("<td>plan</td>") < section.index("<td>apply</td>") < section.index("<td>verify</td>")
    assert compaction in section


def test_consent_evidence_outlives_the_contact_as_keyed_proof(rules_warehouse, policy, tmp_path):
    run_retention(rules_warehouse, policy, tmp_path / "reports", allow_large_deletion=True)
    with open_warehouse(rules_warehouse) as connection:
        proof = connection.execute("SELECT event_id, contact_key, action FROM core.consent_proof ORDER BY event_id").fetchall()
        suppressed = connection.execute("SELECT count(*) FROM core.suppression WHERE reason = 'retention: withdrawn'").fetchone()[0]
        staged = ids(connection, "SELECT event_id FROM staging.consents")
    assert [(event, action) for event, _, action in proof] == [
        ("e-idle-731", "opt_in"), ("e-undated-silent", "opt_in"), ("e-withdrew-31", "opt_in"), ("out-31", "opt_out")]
    assert all(key == access.contact_key_of(event.removeprefix("e-")) for event, key, _ in proof if event.startswith("e-"))
    assert "out-31" not in staged and "out-29" in staged
    assert suppressed == 1  # the withdrawn number stays suppressed, as a keyed hash


def test_consent_proof_expires_five_years_after_the_deletion(rules_warehouse, policy, tmp_path):
    with open_warehouse(rules_warehouse) as connection:
        connection.execute(
            "INSERT INTO core.consent_proof VALUES ('old-proof', 'k', 's', 'marketing', 'opt_in', 'web_form', $a, 'v1', NULL, $a),"
            " ('young-proof', 'k', 's', 'marketing', 'opt_in', 'web_form', $b, 'v1', NULL, $c)",
            {"a": NOW - timedelta(days=5 * 366 + 1), "b": NOW - timedelta(days=6 * 366), "c": NOW - timedelta(days=4 * 365)})
    run_retention(rules_warehouse, policy, tmp_path / "reports", allow_large_deletion=True)
    with open_warehouse(rules_warehouse) as connection:
        kept = ids(connection, "SELECT event_id FROM core.consent_proof")
    assert "old-proof" not in kept and "young-proof" in kept


def test_retention_overdue_is_a_record_more_than_seven_days_past_its_deadline(tmp_path, warehouse_path, policy):
    contacts = [person("late", numbered(20), 98, 1), person("due", numbered(21), 96, 1)]
    contacts += [person(f"kept-{i}", numbered(30 + i), 10, 1) for i in range(20)]
    consents = [consent(f"e-{i}", f"kept-{i}", "marketing", "opt_in", ago(9)) for i in range(20)]
    run_engine(write_source(tmp_path / "source", contacts=contacts, consents=consents), warehouse_path, policy)
    run_retention(warehouse_path, policy, tmp_path / "reports")
    with open_warehouse(warehouse_path) as connection:
        found = connection.execute("SELECT record_table, record_id FROM audit.violations WHERE \"check\" = 'retention_overdue'").fetchall()
        remaining = ids(connection, "SELECT contact_id FROM core.contacts")
    assert found == [("contacts", "late")]
    assert not remaining & {"late", "due"}


def test_the_guard_refuses_a_plan_deleting_half_the_contacts(tmp_path, warehouse_path, policy):
    contacts = [person(f"never-{i}", numbered(40 + i), 200, 1) for i in range(2)]
    contacts += [person(f"kept-{i}", numbered(50 + i), 10, 1) for i in range(2)]
    run_engine(write_source(tmp_path / "source", contacts=contacts), warehouse_path, policy)
    with pytest.raises(retention.DeletionRefused, match="max_deletion_share"):
        run_retention(warehouse_path, policy, tmp_path / "reports")
    with open_warehouse(warehouse_path) as connection:
        assert len(ids(connection, "SELECT contact_id FROM core.contacts")) == 4
        assert ids(connection, "SELECT phase FROM audit.deletions") == {"plan"}  # the refused plan, for the auditor
        assert ids(connection, "SELECT outcome FROM audit.deletions").pop().startswith("refused: ")
        assert "retention-run" in ids(connection, "SELECT run_id FROM audit.runs")  # the run still published
    run_retention(warehouse_path, policy, tmp_path / "reports", allow_large_deletion=True, run_id="allowed")
    with open_warehouse(warehouse_path) as connection:
        assert ids(connection, "SELECT contact_id FROM core.contacts") == {"kept-0", "kept-1"}


def test_the_retention_flow_publishes_and_reports_a_refused_plan_then_fails(prefect_server, tmp_path, policy_path,
                                                                              policy, warehouse_path):
    from flows.retention import retention as retention_flow

    contacts = [person("never-0", numbered(40), 200, 1), person("kept-0", numbered(50), 10, 1)]
    run_engine(write_source(tmp_path / "source", contacts=contacts), warehouse_path, policy)
    with pytest.raises(retention.DeletionRefused):
        retention_flow(str(policy_path), str(warehouse_path), str(tmp_path / "reports"))
    pages = {page.parent.name: page for page in (tmp_path / "reports").glob("*/index.html")}
    assert "test-run" in pages  # the earlier run never reported: this run wrote its report first
    (page,) = [page for run_id, page in pages.items() if run_id != "test-run"]
    assert "refused: gate retention.output" in page.read_text(encoding="utf-8")
    with open_warehouse(warehouse_path) as connection:
        assert ids(connection, "SELECT contact_id FROM core.contacts") == {"never-0", "kept-0"}


def test_a_dry_run_publishes_the_plan_and_deletes_nothing(rules_warehouse, policy, tmp_path):
    run_retention(rules_warehouse, policy, tmp_path / "reports", dry_run=True)
    with open_warehouse(rules_warehouse) as connection:
        outcomes = ids(connection, "SELECT outcome FROM audit.deletions")
        assert len(ids(connection, "SELECT contact_id FROM core.contacts")) == 12
        path, data = report.publish(connection, "retention-run", tmp_path / "reports")
    assert outcomes == {"dry run: not applied"}
    html = path.read_text(encoding="utf-8")
    assert "dry run: not applied" in html[html.index('<section id="deletions">'):]


def test_the_gate_stops_a_plan_that_deletes_what_no_rule_selects(rules_warehouse, policy):
    with open_warehouse(rules_warehouse) as connection:
        runs.begin(connection, "tampered", "retention", {}, policy, POLICY_SHA256)
        retention.plan(connection, policy, allow_large_deletion=True)
        gates.check(connection, "retention.output")  # the plan as made passes
        connection.execute("INSERT INTO work.deletion_plan VALUES ('no_opt_in', 'contacts', 'delete', 'active', NULL)")
        with pytest.raises(gates.GateFailed, match="no rule selects"):
            gates.check(connection, "retention.output")
        connection.execute("DELETE FROM work.deletion_plan WHERE record_id = 'active'")
        connection.execute("UPDATE work.retention_due SET rule = 'no_opt_in' WHERE record_id = 'withdrew-31'")
        with pytest.raises(gates.GateFailed, match="no_opt_in would delete a contact that opted in"):
            gates.check(connection, "retention.output")
        connection.execute("UPDATE work.deletion_plan SET action = 'delete' WHERE table_name = 'consents'")
        with pytest.raises(gates.GateFailed, match="consent evidence of a deleted contact would not be kept"):
            gates.check(connection, "retention.output")
        connection.execute("INSERT INTO work.retention_due VALUES ('contacts', 'replied-lately', 'inactive', NULL, now())")
        with pytest.raises(gates.GateFailed, match="inactive would delete a contact with activity"):
            gates.check(connection, "retention.output")
        connection.execute("INSERT INTO work.retention_due VALUES ('contacts', 'active', 'erased_before', NULL, now())")
        with pytest.raises(gates.GateFailed, match="erased_before would delete a record whose number was not erased"):
            gates.check(connection, "retention.output")
        connection.execute("DELETE FROM work.retention_due WHERE record_id = 'active'")
        connection.execute("INSERT INTO work.deletion_plan VALUES ('messages_expired', 'messages', 'delete', 'm-young', NULL)")
        with pytest.raises(gates.GateFailed, match="deletes a message that is neither due nor a deleted contact's"):
            gates.check(connection, "retention.output")


# --- the rule registry ----------------------------------------------------------------------

def test_every_rule_has_its_sql_file_and_its_gate_recheck_and_every_rule_file_is_registered():
    registered = {rule.name for rule in retention_rules.RULES}
    rule_files = {path.stem for path in (resources.SQL_DIR / "retention" / "rules").glob("*.sql")}
    queries = [e["meta"]["query"] for e in gates.load_suite("retention.output")["expectations"]]  # loads every file
    rechecks = {query.removesuffix("_recheck") for query in queries if query.endswith("_recheck")}
    assert rule_files == registered
    assert rechecks == registered


@pytest.mark.parametrize("rule", retention_rules.RULES, ids=lambda rule: rule.name)
def test_a_rule_reads_exactly_the_policy_settings_it_declares(rule):
    query = warehouse.sql_text(rule.query)
    read = {setting for setting in Retention.model_fields if re.search(rf"\bs\.{setting}\b", query)}
    assert read == set(rule.settings)


def test_the_record_of_processing_says_each_rule_with_the_policys_values(policy):
    changed = policy.model_copy(update={"retention": policy.retention.model_copy(update={"no_opt_in_days": 45})})
    sentences = ropa.record(changed)["retention"]
    assert len(sentences) == len(retention_rules.RULES)
    assert sentences[0] == "contacts that never opted in: 45 days after creation"


def declare(monkeypatch, **changes: dict) -> None:
    """Change the registry's declaration of the rules named, as if their entries said so."""
    monkeypatch.setattr(retention_rules, "RULES", tuple(replace(rule, **changes.get(rule.name, {}))
                                                        for rule in retention_rules.RULES))


def test_the_registry_decides_whose_numbers_are_suppressed_and_what_can_be_overdue(rules_warehouse, policy, tmp_path,
                                                                                  monkeypatch):
    with open_warehouse(rules_warehouse) as connection:  # as registered: a plan, not applied
        runs.begin(connection, "as-registered", "retention", {}, policy, POLICY_SHA256)
        retention.plan(connection, policy, allow_large_deletion=True)
        checks.run_checks(connection, "retention", policy)
        assert ids(connection, "SELECT rule FROM work.deletion_plan WHERE table_name = 'suppression'") == {"withdrawn"}
        assert ids(connection, "SELECT record_id FROM work.violations") == {"undated-silent", "m-of-idle"}
    declare(monkeypatch, withdrawn={"suppresses": False}, no_opt_in={"suppresses": True},
            inactive={"can_be_overdue": False})
    run_retention(rules_warehouse, policy, tmp_path / "reports", allow_large_deletion=True)
    with open_warehouse(rules_warehouse) as connection:
        suppressed = connection.execute("SELECT reason, count(*) FROM core.suppression GROUP BY reason").fetchall()
        overdue = ids(connection, "SELECT record_id FROM audit.violations WHERE \"check\" = 'retention_overdue'")
    assert suppressed == [("retention: no_opt_in", 2)]
    assert overdue == {"m-of-idle"}


def test_the_gate_refuses_a_record_due_under_a_rule_that_is_not_registered(rules_warehouse, policy):
    with open_warehouse(rules_warehouse) as connection:
        runs.begin(connection, "unregistered", "retention", {}, policy, POLICY_SHA256)
        retention.plan(connection, policy, allow_large_deletion=True)
        connection.execute("UPDATE work.retention_due SET rule = 'kept_forever' WHERE record_id = 'never-91'")
        with pytest.raises(gates.GateFailed, match="a record is due under a rule the policy does not have"):
            gates.check(connection, "retention.output")


# --- erasure on request ------------------------------------------------------------------

def erasure_source(directory: Path) -> Path:
    contacts = [person("keep-me", KEPT_NUMBER, 30, 1), person("erase-me-please", ERASED_NUMBER, 30, 1)]
    consents = [consent("ev-keep", "keep-me", "marketing", "opt_in", ago(29)),
                consent("ev-erase", "erase-me-please", "marketing", "opt_in", ago(29))]
    messages = [message("msg-kept-000", "keep-me", "marketing", ago(2), to_phone=KEPT_NUMBER),
                message("msg-erased-01", "erase-me-please", "marketing", ago(2), to_phone=ERASED_NUMBER,
                        body="Offer without a sender")]
    inbound = [inbound_row("in-erased-01", "+44 7400 123499", "HELP", ago(1))]
    return write_source(directory, contacts=contacts, consents=consents, messages=messages, inbound=inbound)


ERASED_VALUES = [ERASED_NUMBER, "7400 123499", "erase-me-please", "msg-erased-01", "in-erased-01"]


def files_holding(root: Path, values: list[str]) -> dict[str, list[str]]:
    held = {}
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found = [value for value in values if value.encode() in data]
            if found:
                held[str(path.relative_to(root))] = found
    return held


@pytest.fixture
def plaintext(monkeypatch):
    monkeypatch.setenv("LISTWARDEN_PLAINTEXT", "1")
    monkeypatch.setenv("LISTWARDEN_ALLOW_PLAINTEXT", "1")
    settings.reload()


def test_erasure_removes_every_row_and_every_byte(plaintext, tmp_path, policy):
    warehouse, reports = tmp_path / "var" / "warehouse.duckdb", tmp_path / "var" / "reports"
    run_engine(erasure_source(tmp_path / "source"), warehouse, policy)
    with open_warehouse(warehouse) as connection:
        export.sendable(connection, "marketing", tmp_path / "var" / "exports" / "marketing.csv")
        report.publish(connection, "test-run", reports)
    before = files_holding(tmp_path / "var", ERASED_VALUES)
    assert "warehouse.duckdb" in before and "exports/marketing.csv" in before  # the scan can see them

    run_erasure(warehouse, policy, reports, subject=access.subject_of(ERASED_NUMBER))

    assert files_holding(tmp_path / "var", ERASED_VALUES) == {}
    assert files_holding(tmp_path / "var", ["keep-me", KEPT_NUMBER])  # the other person is still there
    with open_warehouse(warehouse) as connection:
        verified = connection.execute("SELECT action, outcome FROM audit.deletions WHERE phase = 'verify'").fetchone()
        redacted = connection.execute("SELECT count(*) FROM audit.violations WHERE record_id = '(erased)'").fetchone()[0]
        suppressed = ids(connection, "SELECT subject FROM core.suppression")
    assert verified[0] == "verified" and "bytes of" in verified[1]
    assert redacted >= 1  # the erased person's findings stay, without their record ids
    assert access.subject_of(ERASED_NUMBER) in suppressed


def test_the_certificate_and_the_access_export_before_and_after(prefect_server, tmp_path, policy_path, policy):
    from flows.erasure import erasure

    warehouse, reports = tmp_path / "warehouse.duckdb", tmp_path / "reports"
    run_engine(erasure_source(tmp_path / "source"), warehouse, policy)
    with open_warehouse(warehouse) as connection:
        held = access.export(connection, tmp_path / "before.json", contact_id="erase-me-please")
    assert held["contacts"] == 1 and held["messages"] == 1 and held["inbound"] == 1 and held["consents"] == 1
    assert oct((tmp_path / "before.json").stat().st_mode & 0o777) == "0o600"

    report_path = erasure(contact_key=access.contact_key_of("erase-me-please"), policy=str(policy_path),
                          warehouse=str(warehouse), reports=str(reports))

    certificate_file = Path(report_path).with_name("deletion-certificate.json")
    text = certificate_file.read_text(encoding="utf-8")
    assert not any(value in text for value in ERASED_VALUES + ["123499"])
    certificate = json.loads(text)
    assert certificate["rule"] == "erasure_request" and certificate["verification"]["verified"]
    assert certificate["subjects_erased"] == [access.subject_of(ERASED_NUMBER)]
    assert {"table": "staging.messages", "action": "delete", "rows": 1} in certificate["tables"]
    assert certificate["requested_at"] <= certificate["completed_at"]
    assert "Deletion certificate" in Path(report_path).read_text(encoding="utf-8")
    with open_warehouse(warehouse) as connection:
        after = access.export(connection, tmp_path / "after.json", contact_id="erase-me-please")
    assert after["contacts"] == after["messages"] == after["inbound"] == after["consents"] == 0
    assert after["consent_proof"] == 1 and after["suppression"] == 1  # proof of consent and the suppression hash


def test_nothing_due_means_nothing_rewritten(tmp_path, warehouse_path, policy):
    contacts = [person("fresh", numbered(60), 10, 1)]
    run_engine(write_source(tmp_path / "source", contacts=contacts), warehouse_path, policy)
    inode = warehouse_path.stat().st_ino
    run_retention(warehouse_path, policy, tmp_path / "reports")
    run_erasure(warehouse_path, policy, tmp_path / "reports", subject=access.subject_of("+447400999999"))
    with open_warehouse(warehouse_path) as connection:
        assert connection.execute("SELECT phase, action, rows FROM audit.deletions").fetchall() == [
            ("plan", "nothing due", 0), ("plan", "nothing due", 0)]
        _, data = report.publish(connection, "erasure-run", tmp_path / "reports")
    assert warehouse_path.stat().st_ino == inode  # no compaction when nothing was deleted
    assert data.certificate["verification"] == {"verified": None, "outcome": "nothing held on this subject: nothing to delete"}


# --- numbers shared by contacts, typed differently ------------------------------------------

SHARED_E164, ALONE_E164 = "+447400123450", "+447400123452"


def shared_numbers_source(directory: Path) -> Path:
    """Contacts sharing a number typed differently, in every table: what retention deletes of a
    contact must leave alone what a kept contact still holds, and verification must agree."""
    contacts = [
        person("gone-a", "+44 7400 123450", 100, 1), person("kept-b", "07400 123450", 300, 1),
        {**person("gone-c", "07400123451", 100, 1), "country": ""},  # national, no hint: invalid
        person("kept-d", "07400123451", 300, 1),  # the same text, with its hint: valid
        person("gone-e", ALONE_E164, 100, 1),  # nobody else holds it
    ]
    consents = [consent("ev-b", "kept-b", "marketing", "opt_in", ago(200)),
                consent("ev-d", "kept-d", "marketing", "opt_in", ago(200))]
    messages = [
        message("m-a", "gone-a", "service.updates", ago(3), to_phone=SHARED_E164),
        message("m-b", "kept-b", "service.updates", ago(3), to_phone="07400123450"),
        message("m-c", "gone-c", "service.updates", ago(3), to_phone="07400123451"),
        message("m-d", "kept-d", "service.updates", ago(3), to_phone="07400123451"),
        message("m-e", "gone-e", "service.updates", ago(3), to_phone=ALONE_E164),
        message("m-e-under-b", "kept-b", "service.updates", ago(3), to_phone="+44 7400 123452"),  # logged under b
    ]
    inbound = [
        inbound_row("r-e164", SHARED_E164, "thanks", ago(2)), inbound_row("r-national", "07400 123450", "ok", ago(2)),
        inbound_row("r-c", "07400123451", "thanks", ago(2)), inbound_row("r-e", ALONE_E164, "thanks", ago(2)),
    ]
    deactivations = [{"phone": SHARED_E164, "deactivated_at": ago(400)}, {"phone": ALONE_E164, "deactivated_at": ago(400)}]
    return write_source(directory, contacts=contacts, consents=consents, messages=messages, inbound=inbound,
                        deactivations=deactivations)


def held_rows(warehouse: Path) -> dict[str, set]:
    with open_warehouse(warehouse) as connection:
        return {
            "contacts": ids(connection, "SELECT contact_id FROM staging.contacts"),
            "messages": ids(connection, "SELECT message_id FROM staging.messages"),
            "inbound": ids(connection, "SELECT inbound_id FROM staging.inbound"),
            "deactivations": ids(connection, "SELECT phone FROM staging.deactivations"),
            "cache": ids(connection, "SELECT e164 FROM cache.numbers WHERE e164 IS NOT NULL"),
        }


def test_retention_of_contacts_sharing_numbers_deletes_what_only_they_hold_and_verifies(plaintext, tmp_path, policy):
    warehouse, reports = tmp_path / "var" / "warehouse.duckdb", tmp_path / "var" / "reports"
    run_engine(shared_numbers_source(tmp_path / "source"), warehouse, policy)
    finished = run_retention(warehouse, policy, reports, allow_large_deletion=True)
    assert finished["verified"], finished["verification"]
    held = held_rows(warehouse)
    assert held["contacts"] == {"kept-b", "kept-d"}
    assert held["messages"] == {"m-b", "m-d", "m-e-under-b"}  # messages follow their contact
    # kept-b holds the number; r-c's digits are kept-d's number as typed (gone-c typed them too, without a hint)
    assert held["inbound"] == {"r-e164", "r-national", "r-c"}
    assert held["deactivations"] == {SHARED_E164}
    assert SHARED_E164 in held["cache"] and ALONE_E164 not in held["cache"]
    assert files_holding(tmp_path / "var", [ALONE_E164]) == {}  # the number only gone-e held, as E.164
    assert files_holding(tmp_path / "var", ["+44 7400 123452"])  # ...but kept-b's log still says where it sent


def test_erasure_of_a_shared_number_takes_it_from_every_table_and_every_byte(plaintext, tmp_path, policy):
    warehouse, reports = tmp_path / "var" / "warehouse.duckdb", tmp_path / "var" / "reports"
    run_engine(shared_numbers_source(tmp_path / "source"), warehouse, policy)
    finished = run_erasure(warehouse, policy, reports, subject=access.subject_of(ALONE_E164))
    assert finished["verified"], finished["verification"]
    held = held_rows(warehouse)
    assert "gone-e" not in held["contacts"] and {"m-e", "m-e-under-b"}.isdisjoint(held["messages"])
    assert files_holding(tmp_path / "var", [ALONE_E164, "7400 123452", "gone-e"]) == {}
    finished = run_erasure(warehouse, policy, reports, subject=access.subject_of(SHARED_E164), run_id="second-erasure")
    assert finished["verified"], finished["verification"]
    held = held_rows(warehouse)
    # r-national, typed as kept-b typed the number, is a reply from the erased number: it goes too
    assert {"gone-a", "kept-b"}.isdisjoint(held["contacts"]) and held["inbound"] == {"r-c"}
    assert files_holding(tmp_path / "var", [SHARED_E164, "7400 123450\"", "gone-a", "kept-b"]) == {}


def test_a_verification_that_finds_a_deleted_value_is_recorded_reported_and_exits_6(plaintext, prefect_server, tmp_path,
                                                                                   policy_path):
    from typer.testing import CliRunner

    from flows.cli import app

    warehouse, reports = tmp_path / "var" / "warehouse.duckdb", tmp_path / "var" / "reports"
    source = shared_numbers_source(tmp_path / "source")
    runner = CliRunner()
    options = ["--warehouse", str(warehouse), "--reports", str(reports)]
    reports.mkdir(parents=True)
    reports.joinpath("stray-copy.csv").write_text(f"phone\n{ALONE_E164}\n")  # someone left a copy lying there
    result = runner.invoke(app, ["run", "nightly", "--source", str(source), "--allow-large-deletion", *options])
    assert result.exit_code == 6, (result.exit_code, result.stderr[-3000:], result.exception)
    assert "deletions not verified" in result.stderr and "stray-copy.csv holds deleted values" in result.stderr
    assert ALONE_E164 not in result.output
    with open_warehouse(warehouse) as connection:
        run_id, = connection.execute("SELECT run_id FROM audit.runs WHERE flow = 'nightly'").fetchone()
        outcome = connection.execute("SELECT action FROM audit.deletions WHERE run_id = $r AND phase = 'verify'",
                                     {"r": run_id}).fetchall()
    assert outcome == [("failed",)]
    page = (reports / run_id / "index.html").read_text(encoding="utf-8")
    assert "stray-copy.csv holds deleted values" in page and (reports / run_id / "chain_head.txt").is_file()


# --- faults -------------------------------------------------------------------------------

JOB = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from support import run_retention
from listwarden.policy import load_policy
run_retention(Path({warehouse!r}), load_policy(Path({policy!r})), Path({reports!r}), allow_large_deletion=True,
              run_id={run_id!r})
"""


def run_job(warehouse: Path, reports: Path, kill_at: str | None = None, run_id: str = "retention-run") -> int:
    script = JOB.format(tests=str(Path(__file__).parent), warehouse=str(warehouse), policy=str(POLICY_FILE),
                        reports=str(reports), run_id=run_id)
    environment = {**os.environ, **({"LISTWARDEN_KILL_AT": kill_at} if kill_at else {})}
    return subprocess.run([sys.executable, "-c", script], env=environment, timeout=300).returncode


def state(warehouse: Path) -> tuple:
    with open_warehouse(warehouse) as connection:
        return (
            sorted(ids(connection, "SELECT contact_id FROM core.contacts")),
            sorted(ids(connection, "SELECT contact_id FROM staging.contacts")),
            sorted(ids(connection, "SELECT message_id FROM staging.messages")),
            connection.execute("SELECT phase, count(*) FROM audit.deletions GROUP BY phase ORDER BY phase").fetchall(),
        )


@pytest.mark.parametrize("kill_at", ["apply", "compact", "replace"])
def test_a_kill_leaves_the_old_or_the_new_state_and_a_rerun_finishes(rules_warehouse, tmp_path, kill_at):
    reports = tmp_path / "reports"
    before = state(rules_warehouse)
    assert run_job(rules_warehouse, reports, kill_at) == -signal.SIGKILL
    after_kill = state(rules_warehouse)
    if kill_at == "apply":
        assert after_kill == before  # the transaction never committed
    else:
        assert after_kill[0] == sorted(KEPT)
    assert run_job(rules_warehouse, reports, run_id="rerun") == 0
    contacts, staged, messages, phases = state(rules_warehouse)
    assert contacts == staged == sorted(KEPT)
    assert messages == ["m-young"]
    assert dict(phases)["compact"] >= dict(phases)["verify"] == 1
    with open_warehouse(rules_warehouse) as connection:
        assert not connection.execute(
            "SELECT * FROM audit.deletions WHERE phase = 'verify' AND action <> 'verified'").fetchall()
    assert not list(rules_warehouse.parent.glob("*.compact"))


def test_a_second_run_is_refused_while_one_holds_the_warehouse(rules_warehouse):
    with runs.exclusive(rules_warehouse, "first"), pytest.raises(WarehouseError, match="one run at a time"):
        with runs.exclusive(rules_warehouse, "second"):
            pass


def test_an_erased_person_the_source_brings_back_is_erased_again_unless_they_opted_in_anew(tmp_path, warehouse_path,
                                                                                        policy):
    source = erasure_source(tmp_path / "source")
    run_engine(source, warehouse_path, policy)
    run_erasure(warehouse_path, policy, tmp_path / "reports", subject=access.subject_of(ERASED_NUMBER))
    run_engine(source, warehouse_path, policy, run_id="next-night")  # the upstream still holds the person
    with open_warehouse(warehouse_path) as connection:
        assert "erase-me-please" in ids(connection, "SELECT contact_id FROM core.contacts")
    run_retention(warehouse_path, policy, tmp_path / "reports", allow_large_deletion=True)  # 1 of 2 contacts
    with open_warehouse(warehouse_path) as connection:
        assert "erase-me-please" not in ids(connection, "SELECT contact_id FROM staging.contacts")
        assert "in-erased-01" not in ids(connection, "SELECT inbound_id FROM staging.inbound")
        assert ids(connection, "SELECT rule FROM audit.deletions WHERE run_id = 'retention-run' AND phase = 'apply'") >= {"erased_before"}
        assert "erase-me-please" not in ids(connection, "SELECT record_id FROM audit.violations")

    with open(source / "consents.csv", "a", encoding="utf-8") as handle:  # they sign up again
        handle.write(f"ev-again,erase-me-please,marketing,opt_in,web_form,{datetime.now(UTC).isoformat()},v2,\n")
    run_engine(source, warehouse_path, policy, run_id="third-night")
    run_retention(warehouse_path, policy, tmp_path / "reports", allow_large_deletion=True, run_id="third-retention")
    with open_warehouse(warehouse_path) as connection:
        assert "erase-me-please" in ids(connection, "SELECT contact_id FROM core.contacts")


def test_the_access_and_subject_commands(tmp_path, warehouse_path, policy):
    from typer.testing import CliRunner

    from flows.cli import app

    run_engine(erasure_source(tmp_path / "source"), warehouse_path, policy)
    runner = CliRunner()
    out = tmp_path / "dsar.json"
    written = runner.invoke(app, ["access", "--phone", "07400 123499", "--country", "GB", "--out", str(out),
                                  "--warehouse", str(warehouse_path)])
    assert written.exit_code == 0, written.output
    held = json.loads(out.read_text(encoding="utf-8"))
    assert [row["contact_id"] for row in held["contacts"]] == ["erase-me-please"]
    assert [row["inbound_id"] for row in held["inbound"]] == ["in-erased-01"]
    assert "123499" not in written.stdout
    hashed = runner.invoke(app, ["subject", "--phone", "+447400123499"])
    assert hashed.stdout.strip() == access.subject_of(ERASED_NUMBER)
    from_stdin = runner.invoke(app, ["subject", "--phone-from", "-"], input="+447400123499\n")
    assert from_stdin.stdout.strip() == access.subject_of(ERASED_NUMBER)
    (tmp_path / "number.txt").write_text("07400 123499\n")
    from_file = runner.invoke(app, ["access", "--phone-from", str(tmp_path / "number.txt"), "--country", "GB",
                                    "--out", str(out), "--warehouse", str(warehouse_path)])
    assert from_file.exit_code == 0 and json.loads(out.read_text())["contacts"][0]["contact_id"] == "erase-me-please"
    both = runner.invoke(app, ["access", "--phone", "1", "--contact-id", "x", "--out", str(out)])
    assert both.exit_code == 2 and "give one of --phone, --phone-from or --contact-id" in both.stderr

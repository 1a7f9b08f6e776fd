"""Replies from numbers typed nationally or held by no contact are matched again, never dropped."""

import pytest
from support import consent, contact, findings, inbound_row, message, run_engine, write_source

from listwarden.warehouse import open_warehouse

T0, T1, T2 = "2026-03-01T10:00:00Z", "2026-03-02T10:00:00Z", "2026-03-04T10:00:00Z"
CONTACTS = [
    contact("paris", "06 12 34 56 78", country="FR"),  # typed nationally, as the CRM holds it
    contact("london", "+44 7400 123456", country="GB"),
]
REPLIES = [
    inbound_row("i/paris", "0612345678", "STOP", T1),  # the same digits as the contact's number as typed
    inbound_row("i/london", "+447400123456", "Arrêt", T1),
    inbound_row("i/stranger", "(202) 555-0143", "Please stop texting me", T1),  # a US number no contact holds
    inbound_row("i/nobody", "12", "stop", T1),
]


def run(directory, policy, region, unmatched_is_finding=False):
    source = write_source(directory / "source", CONTACTS,
                          [consent(f"c/{c['contact_id']}", c["contact_id"], "marketing", "opt_in", T0) for c in CONTACTS],
                          [message("m/paris", "paris", "marketing", T2, to_phone="06 12 34 56 78")], REPLIES)
    warehouse = directory / "warehouse.duckdb"
    policy = policy.model_copy(update={
        "inbound": policy.inbound.model_copy(update={"default_region": region}),
        "opt_out": policy.opt_out.model_copy(update={"unmatched_is_finding": unmatched_is_finding})})
    run_engine(source, warehouse, policy, with_gates=True)
    with open_warehouse(warehouse) as connection:
        inbound = {row[0]: row[1:] for row in connection.execute(
            "SELECT inbound_id, e164, matched_by, contact_holds_number, kind FROM core.inbound").fetchall()}
        suppressed = {row[0] for row in connection.execute("SELECT subject FROM core.suppression").fetchall()}
        subjects = dict(connection.execute("SELECT inbound_id, subject FROM core.inbound").fetchall())
        numbers = dict(connection.execute(
            "SELECT name, value FROM audit.metrics WHERE section = 'inbound_numbers'").fetchall())
    return inbound, suppressed, subjects, numbers, findings(warehouse)


@pytest.fixture(scope="module")
def without_region(tmp_path_factory, policy):
    return run(tmp_path_factory.mktemp("without-region"), policy, None)


@pytest.fixture(scope="module")
def with_region(tmp_path_factory, policy):
    """With the inbound region, and unmatched opt-outs made findings."""
    return run(tmp_path_factory.mktemp("with-region"), policy, "US", unmatched_is_finding=True)


@pytest.mark.parametrize("outcome", ["without_region", "with_region"])
def test_a_nationally_typed_reply_reaches_the_contact_typed_the_same_way(request, outcome):
    inbound, suppressed, subjects, _, found = request.getfixturevalue(outcome)
    assert inbound["i/paris"] == ("+33612345678", "contact digits", True, "opt_out")
    assert inbound["i/london"] == ("+447400123456", "as typed", True, "opt_out")
    assert ("sent_after_opt_out", "m/paris") in found
    assert subjects["i/paris"] in suppressed


def test_the_inbound_region_parses_what_no_contact_matches(with_region):
    inbound, suppressed, subjects, numbers, _ = with_region
    assert inbound["i/stranger"] == ("+12025550143", "inbound region", False, "opt_out")
    assert subjects["i/stranger"] in suppressed
    assert numbers["opt-outs from a number no contact holds"] == 2  # the stranger and the unparseable "12"


def test_without_an_inbound_region_an_unmatched_opt_out_is_still_suppressed_and_counted(without_region):
    inbound, suppressed, subjects, numbers, _ = without_region
    assert inbound["i/stranger"] == (None, None, False, "opt_out")
    assert {subjects["i/stranger"], subjects["i/nobody"]} <= suppressed
    assert numbers == {"as typed": 1, "contact digits": 1, "unmatched": 2, "opt-outs from a number no contact holds": 2}


def test_the_policy_can_make_an_unmatched_opt_out_a_finding(without_region, with_region):
    assert not {record for check, record in without_region[4] if check == "opt_out_unmatched"}
    assert {record for check, record in with_region[4] if check == "opt_out_unmatched"} == {"i/stranger", "i/nobody"}

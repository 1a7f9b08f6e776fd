"""quiet_hours and frequency_cap, at their edges."""

import pytest
from support import consent, contact, findings, message, run_engine, write_source

from listwarden.policy import QuietHoursWindow

NEW_YORK, LONDON = "+12015550100", "+447400100100"
AUSTRALIA = "+61412345678"  # a mobile: every mainland zone from Perth (UTC+8) to Sydney (UTC+10/11)

# message id: (number, sent_at UTC, flagged by quiet_hours)
QUIET = {
    "ny-0800-exactly": (NEW_YORK, "2026-01-15T13:00:00Z", False),
    "ny-2100-exactly": (NEW_YORK, "2026-01-16T02:00:00Z", False),
    "ny-0759": (NEW_YORK, "2026-01-15T12:59:00Z", True),
    "ny-2101": (NEW_YORK, "2026-01-16T02:01:00Z", True),
    "ny-dst-starts-0830-edt": (NEW_YORK, "2026-03-08T12:30:00Z", False),  # 07:30 if DST were ignored
    "ny-dst-ends-0730-est": (NEW_YORK, "2026-11-01T12:30:00Z", True),  # 08:30 if DST were ignored
    "au-sydney-1000-perth-0700": (AUSTRALIA, "2026-06-15T00:00:00Z", True),
    "au-sydney-1500-perth-1300": (AUSTRALIA, "2026-06-15T05:00:00Z", False),
    "london-0830": (LONDON, "2026-01-15T08:30:00Z", False),
}


@pytest.fixture(scope="module")
def quiet_run(tmp_path_factory, policy):
    directory = tmp_path_factory.mktemp("quiet")
    contacts, consents, messages = [], [], []
    for number, country in ((NEW_YORK, "US"), (LONDON, "GB"), (AUSTRALIA, "AU")):
        contacts.append(contact(number, number, country, created_at="2025-12-01T00:00:00Z"))
        consents.append(consent(f"e{number}", number, "marketing", "opt_in", "2025-12-01T00:00:00Z"))
    for message_id, (number, sent_at, _) in QUIET.items():
        messages.append(message(message_id, number, "marketing", sent_at, to_phone=number))
    messages.append(message("ny-service-at-night", NEW_YORK, "account.security", "2026-01-16T07:00:00Z", NEW_YORK))
    source = write_source(directory / "source", contacts, consents, messages)
    warehouse = directory / "warehouse.duckdb"
    run_engine(source, warehouse, policy, with_gates=True)
    override = policy.model_copy(update={"quiet_hours": policy.quiet_hours.model_copy(
        update={"country_overrides": {"GB": QuietHoursWindow(allowed_from="09:00", allowed_until="20:00")}})})
    overridden = directory / "overridden.duckdb"
    run_engine(source, overridden, override)
    return warehouse, overridden


@pytest.mark.parametrize("message_id", QUIET)
def test_quiet_hours_in_every_zone_of_the_number(quiet_run, message_id):
    flagged = {record for check, record in findings(quiet_run[0]) if check == "quiet_hours"}
    assert (message_id in flagged) is QUIET[message_id][2]


def test_messages_that_need_no_consent_have_no_quiet_hours(quiet_run):
    assert ("quiet_hours", "ny-service-at-night") not in findings(quiet_run[0])


def test_a_country_override_replaces_the_window_for_numbers_of_that_region(quiet_run):
    flagged = {record for check, record in findings(quiet_run[1]) if check == "quiet_hours"}
    assert "london-0830" in flagged and "ny-0800-exactly" not in flagged


# contact: [(message id, sent_at, purpose)], flagged ids
FREQUENCY = {
    "three-in-24h": ([("a1", "2026-02-01T10:00:00Z"), ("a2", "2026-02-01T14:00:00Z"), ("a3", "2026-02-02T09:59:00Z")], {"a3"}),
    "third-in-25h": ([("b1", "2026-02-01T10:00:00Z"), ("b2", "2026-02-01T14:00:00Z"), ("b3", "2026-02-02T11:00:00Z")], set()),
    "exactly-24h-later": ([("c1", "2026-02-01T10:00:00Z"), ("c2", "2026-02-01T14:00:00Z"), ("c3", "2026-02-02T10:00:00Z")], set()),
    "four-in-a-day": ([("d1", "2026-02-01T09:00:00Z"), ("d2", "2026-02-01T10:00:00Z"), ("d3", "2026-02-01T11:00:00Z"),
                       ("d4", "2026-02-01T12:00:00Z")], {"d3", "d4"}),
    "three-at-once": ([("e1", "2026-02-01T10:00:00Z"), ("e2", "2026-02-01T10:00:00Z"), ("e3", "2026-02-01T10:00:00Z")], {"e3"}),
    "service-not-counted": ([("f1", "2026-02-01T10:00:00Z"), ("f2", "2026-02-01T11:00:00Z"),
                             ("f3-service", "2026-02-01T12:00:00Z")], set()),
}


def test_frequency_cap_on_a_rolling_window(tmp_path, warehouse_path, policy):
    contacts, consents, messages = [], [], []
    for index, (name, (sent, _)) in enumerate(FREQUENCY.items()):
        phone = f"+4474003{index:05d}"
        contacts.append(contact(name, phone, created_at="2026-01-01T00:00:00Z"))
        consents.append(consent(f"e-{name}", name, "marketing", "opt_in", "2026-01-01T00:00:00Z"))
        for message_id, at in sent:
            purpose = "service.updates" if message_id.endswith("service") else "marketing"
            messages.append(message(message_id, name, purpose, at, to_phone=phone, body=f"Acme {message_id}. Reply STOP"))
    run_engine(write_source(tmp_path / "source", contacts, consents, messages), warehouse_path, policy)
    flagged = {record for check, record in findings(warehouse_path) if check == "frequency_cap"}
    assert flagged == set().union(*(expected for _, expected in FREQUENCY.values()))

"""A nightly run re-checks only what changed, with the same answers as a full run on the same data.

The property: after any sequence of deliveries (contacts and consents as snapshots that add,
change and drop rows, consent events arriving late with an earlier occurred_at, messages and
replies appended by the day, deactivations), the findings open and the core tables computed
afresh each night (contacts, replies, consent state) in the warehouse that ran every night
incrementally are exactly those of one full run, in a fresh warehouse, on the same data; and each
night's publish, which writes only the rows that changed, leaves core equal to what the run computed.
The suppression list (and the audience it filters) keeps history by design, so a fresh warehouse
is no reference for it.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import POLICY_SHA256, consent, contact, inbound_row, message, write_source

from listwarden import jobs, runs
from listwarden.warehouse import open_warehouse

# Three numbers, each typed several ways (the country decides how a national form reads).
NUMBERS = [("+447400123456", "07400 123456"), ("+447400123457", "+44 7400 123457"), ("+14155552671", "(415) 555-2671")]
COUNTRIES = ["GB", "US", ""]
CONTACT_IDS = ["c1", "c2", "c3", "c4"]
PURPOSES = ["marketing", "marketing.offers", "service.updates"]
BODIES = ["Acme: 10% off today. Reply STOP to opt out", "10% off today", "Acme: for help visit acme.example/help"]
REPLIES = ["STOP", "HELP", "thanks", "Stop please"]
RECOMPUTED_TABLES = ("contacts", "inbound", "consent_state")


def instant(day: int, hour: int, minute: int) -> str:
    return f"2026-01-{day:02d}T{hour:02d}:{minute:02d}:00Z"


instants = st.builds(instant, st.integers(1, 6), st.sampled_from([3, 9, 10, 22]), st.sampled_from([0, 5, 30]))
phones = st.builds(lambda number, form: NUMBERS[number][form], st.integers(0, 2), st.integers(0, 1))
contact_rows = st.builds(lambda i, phone, country: contact(CONTACT_IDS[i], phone, country, "2026-01-01T00:00:00Z"),
                         st.integers(0, 3), phones, st.sampled_from(COUNTRIES))
consent_rows = st.builds(
    lambda i, who, purpose, action, at: consent(f"e{i}", CONTACT_IDS[who], purpose, action, at),
    st.integers(0, 5), st.integers(0, 3), st.sampled_from(PURPOSES), st.sampled_from(["opt_in", "opt_out"]), instants)
message_rows = st.builds(
    lambda who, purpose, at, phone, body: message("", CONTACT_IDS[who] if who < 4 else "c9", purpose, at, phone, body),
    st.integers(0, 4), st.sampled_from(PURPOSES), instants, phones, st.sampled_from(BODIES))
reply_rows = st.builds(lambda phone, body, at: inbound_row("", phone, body, at), phones, st.sampled_from(REPLIES),
                       instants)
deactivation_rows = st.builds(lambda number, day: {"phone": NUMBERS[number][0], "deactivated_at": f"2026-01-0{day}"},
                              st.integers(0, 2), st.integers(1, 6))


def unique_by(key):
    return lambda rows: list({row[key]: row for row in rows}.values())


night_deliveries = st.fixed_dictionaries({
    "contacts": st.lists(contact_rows, max_size=4).map(unique_by("contact_id")),
    "consents": st.lists(consent_rows, max_size=6).map(unique_by("event_id")),
    "messages": st.lists(message_rows, max_size=4),
    "inbound": st.lists(reply_rows, max_size=2),
    "deactivations": st.lists(deactivation_rows, max_size=2).map(unique_by("phone")),
})


@dataclass
class History:
    """Every night's rows: snapshots as last delivered, appended rows as delivered so far."""
    nights: int = 0
    snapshots: dict = field(default_factory=dict)
    appended: dict = field(default_factory=lambda: {"messages": [], "inbound": []})

    def deliver(self, delivery: dict) -> dict:
        """Give the night's appended rows their ids; return what the night delivers."""
        self.nights += 1
        tonight = dict(delivery)
        for table, prefix in (("messages", "m"), ("inbound", "i")):
            rows = [{**row, f"{'message' if table == 'messages' else 'inbound'}_id": f"{prefix}{self.nights}-{n}"}
                    for n, row in enumerate(delivery[table])]
            self.appended[table] += rows
            tonight[table] = rows
        self.snapshots = {table: delivery[table] for table in ("contacts", "consents", "deactivations")}
        return tonight

    def everything(self) -> dict:
        return {**self.snapshots, **self.appended}


def run(source_dir, rows, warehouse, policy, run_id, full=False):
    source = write_source(source_dir, **rows)
    before_retention = tuple(job for job in jobs.NIGHTLY if job is not jobs.RETENTION)
    jobs.run_direct(warehouse, before_retention, jobs.Arguments(policy=policy, source=source, full=full), run_id,
                    "nightly", POLICY_SHA256, with_gates=False)
    with open_warehouse(warehouse, read_only=True) as connection:
        findings = set(connection.execute(
            """SELECT "check", record_table, record_id FROM findings_of_run($run, 'open')""", {"run": run_id}
        ).fetchall())
        for table in runs.CORE_TABLES:
            assert table_rows(connection, f"core.{table}") == table_rows(connection, f"work.{table}"), table
        recomputed = {table: table_rows(connection, f"core.{table}") for table in RECOMPUTED_TABLES}
    return findings, recomputed


def table_rows(connection, table):
    return sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def night(contacts=(), consents=(), messages=(), inbound=(), deactivations=()):
    return {"contacts": list(contacts), "consents": list(consents), "messages": list(messages),
            "inbound": list(inbound), "deactivations": list(deactivations)}


C1, C2 = contact("c1", NUMBERS[0][0]), contact("c2", NUMBERS[1][0])
OPT_IN = consent("e1", "c1", "marketing", "opt_in", instant(1, 3, 0))
TO_OTHER = message("", "c1", "marketing", instant(4, 10, 0), NUMBERS[1][0])
# Each rule of the scope, as a sequence of nights a full run answers differently without it:
HOLDER_STOPS = [night([C1], [OPT_IN], [TO_OTHER]),  # a late STOP from c1's number withdraws c1's consent
                night([C1], [OPT_IN], inbound=[inbound_row("", NUMBERS[0][0], "STOP", instant(2, 10, 0))])]
NUMBER_DEACTIVATED = [night([C1], [OPT_IN], [TO_OTHER]),  # the number c1 messaged is deactivated before
                      night([C1], [OPT_IN], deactivations=[{"phone": NUMBERS[1][0], "deactivated_at": "2026-01-03"}])]
HELP_ANSWERED_LATE = [  # a HELP from c1's number is answered by a message logged under c2, delivered later
    night([C1, C2], inbound=[inbound_row("", NUMBERS[0][0], "HELP", instant(2, 10, 0))]),
    night([C1, C2], messages=[message("", "c2", "service.updates", instant(2, 10, 5), NUMBERS[0][0])])]
HELP_ASKED_LATE = [  # c2's message to c1's number answers a HELP from it that arrives a night later
    night([C1, C2], messages=[message("", "c2", "service.updates", instant(2, 10, 5), NUMBERS[0][0])]),
    night([C1, C2], inbound=[inbound_row("", NUMBERS[0][0], "HELP", instant(2, 10, 0))])]
CONSENT_BACKFILLED = [night([C1], messages=[TO_OTHER]), night([C1], [OPT_IN])]
COUNTRY_CHANGED = [  # c1's messages to a national number read it anew when c1's country changes
    night([contact("c1", NUMBERS[0][0], "GB")], [OPT_IN], [message("", "c1", "marketing", instant(4, 22, 0),
                                                                   NUMBERS[2][1])]),
    night([contact("c1", NUMBERS[0][0], "US")], [OPT_IN])]
SUPPRESSION_KEPT = [  # a STOP typed nationally, read through c4's number; c4 leaves, the entry stays
    night([C1, contact("c4", NUMBERS[0][1], "GB")], inbound=[inbound_row("", NUMBERS[0][1], "STOP", instant(6, 22, 0))]),
    night([contact("c3", NUMBERS[0][0], "GB")])]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(night_deliveries, min_size=2, max_size=3))
@example(HOLDER_STOPS)
@example(NUMBER_DEACTIVATED)
@example(HELP_ANSWERED_LATE)
@example(HELP_ASKED_LATE)
@example(CONSENT_BACKFILLED)
@example(COUNTRY_CHANGED)
@example(SUPPRESSION_KEPT)
def test_incremental_nights_find_what_a_full_run_finds(tmp_path_factory, policy, deliveries):
    directory = tmp_path_factory.mktemp("incremental")
    history = History()
    for number, delivery in enumerate(deliveries):
        tonight = history.deliver(delivery)
        incremental = run(directory / f"night-{number}", tonight, directory / "incremental.duckdb", policy, f"n{number}")
        full = run(directory / f"all-{number}", history.everything(), directory / f"full-{number}.duckdb", policy, "full")
        assert incremental[0] == full[0], f"findings of night {number}"
        assert incremental[1] == full[1], f"core tables of night {number}"


def test_a_contact_whose_message_retention_deleted_is_checked_again(tmp_path, policy):
    # Three messages within three hours: the third is over the cap (2 per 24 h). Retention deletes
    # the first (older than messages_days); the next night no longer finds the third over the cap.
    now = datetime.now(UTC).replace(microsecond=0)
    aged = now - timedelta(days=policy.retention.messages_days)
    at = [(aged + timedelta(hours=hours)).isoformat().replace("+00:00", "Z") for hours in (-2, 1, 2)]
    person = {**contact("c1", created_at=(aged - timedelta(days=30)).isoformat().replace("+00:00", "Z")),
              "last_activity_at": (now - timedelta(days=1)).isoformat().replace("+00:00", "Z")}
    opt_in = consent("e1", "c1", "marketing", "opt_in", person["created_at"])
    sent = [message(f"m{n}", "c1", "marketing", when) for n, when in enumerate(at, start=1)]
    warehouse = tmp_path / "incremental.duckdb"
    arguments = {"policy": policy, "allow_large_deletion": True}
    for night, messages in enumerate([sent, []]):
        source = write_source(tmp_path / f"night-{night}", contacts=[person], consents=[opt_in], messages=messages)
        jobs.run_direct(warehouse, jobs.NIGHTLY, jobs.Arguments(source=source, **arguments), f"n{night}", "nightly",
                        POLICY_SHA256, reports=tmp_path / "reports")
        with open_warehouse(warehouse, read_only=True) as connection:
            capped = connection.execute("""SELECT record_id FROM findings_of_run($run, 'open')
                                           WHERE "check" = 'frequency_cap'""", {"run": f"n{night}"}).fetchall()
        assert capped == ([("m3",)] if night == 0 else [])


def scope_detail(warehouse, run_id):
    with open_warehouse(warehouse, read_only=True) as connection:
        return json.loads(connection.execute("SELECT detail FROM audit.steps WHERE run_id = $run AND step = 'scope'",
                                             {"run": run_id}).fetchone()[0])


def test_a_run_checks_everything_when_asked_or_when_the_policy_or_code_changed(tmp_path, policy):
    source = write_source(tmp_path / "source", contacts=[C1], consents=[OPT_IN], messages=[dict(TO_OTHER, message_id="m1")])
    warehouse = tmp_path / "w.duckdb"
    before_retention = tuple(job for job in jobs.NIGHTLY if job is not jobs.RETENTION)
    nights = [("first", POLICY_SHA256, False), ("same", POLICY_SHA256, False), ("asked", POLICY_SHA256, True),
              ("new policy", "another-policy", False)]
    for run_id, policy_sha256, full in nights:
        jobs.run_direct(warehouse, before_retention, jobs.Arguments(policy=policy, source=source, full=full), run_id,
                        "nightly", policy_sha256, with_gates=False)
    assert [(scope_detail(warehouse, run)["mode"], scope_detail(warehouse, run).get("why full"))
            for run, _, _ in nights] == [("full", "nothing was checked before"), ("changed", None),
                                         ("full", "asked (--full)"), ("full", "the policy changed")]
    assert scope_detail(warehouse, "same")["contacts"] == 0

"""Consent now, the suppression list and the sendable audience; the export for sending systems."""

import csv

from support import consent, contact, inbound_row, message, run_engine, write_source
from typer.testing import CliRunner

from flows.cli import app
from listwarden.warehouse import open_warehouse

T0, T1, T2 = "2026-01-01T10:00:00Z", "2026-02-01T10:00:00Z", "2026-03-01T10:00:00Z"
CONTACTS = [
    contact("marketing", "+447400500001"), contact("newsletter-only", "+447400500002"),
    contact("opted-out", "+447400500003"), contact("replied-stop", "+447400500004"),
    contact("stop-then-opt-in", "+447400500005"), contact("landline", "+442071234567"),
    contact("invalid", "12345"), contact("us-not-confirmed", "+12015550123", "US"),
    contact("shares-a-stopped-number", "+447400500004"),
]
CONSENTS = [
    consent("e1", "marketing", "marketing", "opt_in", T0), consent("e2", "newsletter-only", "marketing.newsletter", "opt_in", T0),
    consent("e3", "opted-out", "marketing", "opt_in", T0), consent("e4", "opted-out", "marketing", "opt_out", T1),
    consent("e5", "replied-stop", "marketing", "opt_in", T0), consent("e6", "stop-then-opt-in", "marketing", "opt_in", T0),
    consent("e7", "stop-then-opt-in", "marketing.offers", "opt_in", T2), consent("e8", "landline", "marketing", "opt_in", T0),
    consent("e9", "invalid", "marketing", "opt_in", T0), consent("e10", "us-not-confirmed", "marketing", "opt_in", T0),
    consent("e11", "shares-a-stopped-number", "marketing", "opt_in", T0),
]
REPLIES = [inbound_row("i1", "+447400500004", "STOP", T1), inbound_row("i2", "+447400500005", "stop", T1)]
# What the replies answered: a message log does not come empty beside replies (the ingest gate refuses that).
SENT = [message("m1", "replied-stop", "service.updates", T0, to_phone="+447400500004")]


def sendable(warehouse):
    with open_warehouse(warehouse) as connection:
        rows = connection.execute("SELECT purpose, contact_id FROM core.sendable").fetchall()
    audience = {}
    for purpose, contact_id in rows:
        audience.setdefault(purpose, set()).add(contact_id)
    return audience


def test_the_sendable_audience_per_purpose(tmp_path, warehouse_path, policy):
    run_engine(write_source(tmp_path / "source", CONTACTS, CONSENTS, SENT, inbound=REPLIES), warehouse_path, policy,
               with_gates=True)
    assert sendable(warehouse_path) == {
        "marketing": {"marketing", "us-not-confirmed"},
        "marketing.offers": {"marketing", "us-not-confirmed", "stop-then-opt-in"},
        "marketing.newsletter": {"marketing", "us-not-confirmed", "newsletter-only"},
    }


def test_the_suppression_list_survives_runs_and_lifts_on_new_consent(tmp_path, warehouse_path, policy):
    run_engine(write_source(tmp_path / "a", CONTACTS, CONSENTS, inbound=REPLIES), warehouse_path, policy, run_id="first")
    run_engine(write_source(tmp_path / "b", CONTACTS, CONSENTS, inbound=[]), warehouse_path, policy, run_id="second")
    with open_warehouse(warehouse_path) as connection:
        suppressed = connection.execute("SELECT c.contact_id FROM core.suppression s JOIN core.contacts c USING (subject) "
                                        "ORDER BY 1").fetchall()
        reasons = connection.execute("SELECT reason FROM core.suppression").fetchall()
    assert suppressed == [("replied-stop",), ("shares-a-stopped-number",)]  # the other STOP was followed by a new opt-in
    assert reasons == [("inbound opt-out (keyword:en:STOP)",)]
    assert "replied-stop" not in sendable(warehouse_path).get("marketing", set())


def test_export_writes_the_audience_and_records_the_file(tmp_path, warehouse_path, policy):
    run_engine(write_source(tmp_path / "source", CONTACTS, CONSENTS, inbound=REPLIES), warehouse_path, policy)
    out = tmp_path / "exports" / "offers.csv"
    runner = CliRunner()
    written = runner.invoke(app, ["export", "sendable", "--purpose", "marketing.offers", "--out", str(out),
                                  "--warehouse", str(warehouse_path)])
    assert written.exit_code == 0, written.output
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["e164"] for row in rows} == {"+447400500001", "+12015550123", "+447400500005"}
    assert "wrote 3 numbers" in written.stdout and "+44" not in written.stdout
    assert out.stat().st_mode & 0o777 == 0o600
    with open_warehouse(warehouse_path) as connection:
        assert connection.execute("SELECT purpose, rows FROM core.exports").fetchall() == [("marketing.offers", 3)]
    refused = runner.invoke(app, ["export", "sendable", "--purpose", "service.updates", "--out", str(out),
                                  "--warehouse", str(warehouse_path)])
    assert refused.exit_code == 2 and "needs no consent" in refused.stderr

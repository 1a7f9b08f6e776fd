"""A reviewer reads the queue and decides; the next run applies the decision from the reply's time."""

from support import consent, contact, findings, inbound_row, message, run_engine, write_source
from typer.testing import CliRunner

from flows.cli import app
from listwarden.warehouse import open_warehouse

T0, T1, T2 = "2026-03-01T10:00:00Z", "2026-03-02T10:00:00Z", "2026-03-04T10:00:00Z"
PHONE = "+447400123456"


def source(tmp_path, name):
    return write_source(
        tmp_path / name, [contact("ann", PHONE)], [consent("c/ann", "ann", "marketing", "opt_in", T0)],
        [message("m/after", "ann", "marketing", T2, to_phone=PHONE)],
        [inbound_row("i/unclear", PHONE, "Will the sale stop on Sunday? Call me on 07400 123456", T1),
         inbound_row("i/thanks", PHONE, "Thanks!", T1)])


def test_a_decided_opt_out_counts_from_the_reply_and_leaves_the_queue(tmp_path, policy):
    warehouse = tmp_path / "warehouse.duckdb"
    run_engine(source(tmp_path, "night1"), warehouse, policy, run_id="night1")
    assert findings(warehouse, "sent_after_opt_out", "night1") == set()
    runner = CliRunner()

    listed = runner.invoke(app, ["review", "list", "--warehouse", str(warehouse)])
    assert listed.exit_code == 0, listed.output
    assert "i/unclear" in listed.stdout and "mentions:en:STOP" in listed.stdout
    assert "Call me on [number]" in listed.stdout and "123456" not in listed.stdout
    assert "i/thanks" not in listed.stdout

    unknown = runner.invoke(app, ["review", "decide", "i/nope", "opt-out", "--warehouse", str(warehouse)])
    assert unknown.exit_code == 2 and "no reply 'i/nope'" in unknown.output
    bad = runner.invoke(app, ["review", "decide", "i/unclear", "maybe", "--warehouse", str(warehouse)])
    assert bad.exit_code == 2

    decided = runner.invoke(app, ["review", "decide", "i/unclear", "opt-out", "--by", "alice", "--warehouse", str(warehouse)])
    assert decided.exit_code == 0 and "recorded: i/unclear opt-out by alice" in decided.stdout

    run_engine(source(tmp_path, "night2"), warehouse, policy, run_id="night2")
    assert findings(warehouse, "sent_after_opt_out", "night2") == {("sent_after_opt_out", "m/after")}
    with open_warehouse(warehouse) as connection:
        kind, rule = connection.execute("SELECT kind, rule FROM core.inbound WHERE inbound_id = 'i/unclear'").fetchone()
        queued = connection.execute("SELECT count(*) FROM audit.review_queue WHERE run_id = 'night2'").fetchone()[0]
    assert kind == "opt_out" and rule.startswith("review:opt-out by alice at ")
    assert queued == 0
    assert "nothing to review" in runner.invoke(app, ["review", "list", "--warehouse", str(warehouse)]).output


def test_a_reply_decided_not_an_opt_out_stays_one(tmp_path, policy):
    warehouse = tmp_path / "warehouse.duckdb"
    run_engine(source(tmp_path, "night1"), warehouse, policy, run_id="night1")
    assert CliRunner().invoke(app, ["review", "decide", "i/unclear", "not-opt-out", "--by", "bob",
                                    "--warehouse", str(warehouse)]).exit_code == 0
    run_engine(source(tmp_path, "night2"), warehouse, policy, run_id="night2")
    with open_warehouse(warehouse) as connection:
        assert connection.execute("SELECT kind FROM core.inbound WHERE inbound_id = 'i/unclear'").fetchone() == ("other",)
    assert findings(warehouse, "sent_after_opt_out", "night2") == set()

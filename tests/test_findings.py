"""Findings have a life cycle: opened by the run that first finds them, not written again while they
hold, closed by the run in which they no longer hold."""

from support import consent, contact, message, run_engine, run_retention, write_source

from listwarden import audit
from listwarden.warehouse import open_warehouse

OPT_IN = consent("e1", "c1", "marketing", "opt_in", "2026-01-01T08:00:00Z")
# c2 never opted in before its message: no_consent until a backfilled opt-in arrives.
M1 = message("m1", "c1", "marketing", "2026-01-02T10:00:00Z")
M2 = message("m2", "c2", "marketing", "2026-01-02T10:00:00Z", to_phone="+447400123457")
BACKFILL = consent("e2", "c2", "marketing", "opt_in", "2026-01-01T09:00:00Z")


def night(directory, consents):
    return write_source(directory, contacts=[contact("c1"), contact("c2", "+447400123457")],
                        consents=consents, messages=[M1, M2])


def statuses(warehouse, run_id):
    with open_warehouse(warehouse, read_only=True) as connection:
        return {status: sorted(zip(frame["check"], frame["record_id"]))
                for status in audit.FINDING_STATUSES
                for frame in [audit.violations(connection, run_id, status)]}


def written(warehouse):
    with open_warehouse(warehouse, read_only=True) as connection:
        return connection.execute(
            "SELECT (SELECT count(*) FROM audit.violations WHERE record_id = 'm2'), "
            "(SELECT count(*) FROM audit.finding_closures)").fetchone()


def test_a_finding_that_holds_is_written_once_and_closes_when_a_delivery_clears_it(tmp_path, warehouse_path, policy):
    run_engine(night(tmp_path / "n1", [OPT_IN]), warehouse_path, policy, with_gates=True, run_id="n1")
    assert statuses(warehouse_path, "n1") == {"open": [("no_consent", "m2")], "new": [("no_consent", "m2")],
                                              "closed": []}
    run_engine(night(tmp_path / "n2", [OPT_IN]), warehouse_path, policy, with_gates=True, run_id="n2")
    assert statuses(warehouse_path, "n2") == {"open": [("no_consent", "m2")], "new": [], "closed": []}
    assert written(warehouse_path) == (1, 0)  # still holding: not written again

    run_engine(night(tmp_path / "n3", [OPT_IN, BACKFILL]), warehouse_path, policy, with_gates=True, run_id="n3")
    assert statuses(warehouse_path, "n3") == {"open": [], "new": [], "closed": [("no_consent", "m2")]}
    assert written(warehouse_path) == (1, 1)
    # Each run's view stays what it was when that run finished.
    assert statuses(warehouse_path, "n2")["open"] == [("no_consent", "m2")]

    # The opt-in is withdrawn from the export again: the finding opens anew, as a new row.
    run_engine(night(tmp_path / "n4", [OPT_IN]), warehouse_path, policy, with_gates=True, run_id="n4")
    assert statuses(warehouse_path, "n4")["new"] == [("no_consent", "m2")]
    assert written(warehouse_path) == (2, 1)
    with open_warehouse(warehouse_path, read_only=True) as connection:
        assert audit.verify(connection).verified


def test_deleting_a_findings_record_closes_it(tmp_path, warehouse_path, policy):
    # c3 never opted in and was created long ago: retention deletes it (no_opt_in), and its invalid
    # number's finding closes with it. c1's finding about the same kind of thing stays open.
    contacts = [contact("c1", "12", created_at="2026-01-01T09:00:00Z"), contact("c2", "+447400123457"),
                contact("c3", "34", created_at="2024-01-01T09:00:00Z")]
    source = write_source(tmp_path / "n1", contacts=contacts, consents=[OPT_IN, BACKFILL], messages=[M1, M2])
    run_engine(source, warehouse_path, policy, with_gates=True, run_id="n1")
    assert ("invalid_number", "c3") in statuses(warehouse_path, "n1")["open"]
    run_retention(warehouse_path, policy, tmp_path / "reports", allow_large_deletion=True, run_id="r1")
    with open_warehouse(warehouse_path, read_only=True) as connection:
        closed = connection.execute(
            "SELECT \"check\", reason FROM audit.finding_closures WHERE run_id = 'r1' AND \"check\" = 'invalid_number'"
        ).fetchall()
        still_open = connection.execute(
            "SELECT record_id FROM open_findings() WHERE \"check\" = 'invalid_number' ORDER BY 1").fetchall()
    assert closed == [("invalid_number", "record deleted")]
    assert still_open == [("c1",)]
    assert ("invalid_number", "c3") in statuses(warehouse_path, "r1")["closed"]


def test_the_report_samples_the_first_findings_of_each_check_by_table_and_id():
    import duckdb

    from listwarden import warehouse

    connection = duckdb.connect()
    connection.execute("""CREATE SCHEMA work; CREATE TABLE work.report_violations AS
        SELECT * FROM (VALUES ('quiet_hours', 'messages', 'm9', 's', 'd'), ('quiet_hours', 'messages', 'm10', 's', 'd'),
                              ('quiet_hours', 'contacts', 'c5', 's', 'd'), ('quiet_hours', 'messages', 'm1', 's', 'd'),
                              ('no_consent', 'messages', 'm2', 's', 'd'))
        AS t("check", record_table, record_id, subject, detail)""")
    shown = [row[:3] for row in warehouse.run(connection, "report/samples", per_check=3).fetchall()]
    assert shown == [("no_consent", "messages", "m2"), ("quiet_hours", "contacts", "c5"),
                     ("quiet_hours", "messages", "m1"), ("quiet_hours", "messages", "m10")]

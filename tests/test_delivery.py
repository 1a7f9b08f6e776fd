"""Deliveries: snapshot tables are replaced and their change recorded; append tables accumulate,
a row delivered again is skipped, and a known id with other content stops the run naming the row."""

import pytest
from support import consent, contact, message, run_engine, write_source

from listwarden import ingest
from listwarden.policy import Delivery
from listwarden.warehouse import open_warehouse

PHONE, OTHER = "+447400123456", "+447400123457"
EVENT = consent("e1", "c1", "marketing", "opt_in", "2026-01-01T08:00:00Z")


def night(directory, contacts=(), messages=(), consents=(EVENT,), inbound=()):
    return write_source(directory, contacts=contacts or [contact("c1", PHONE)], consents=consents,
                        messages=messages, inbound=inbound)


def staged(warehouse, table, id_column):
    with open_warehouse(warehouse) as connection:
        return sorted(row[0] for row in connection.execute(f"SELECT {id_column} FROM staging.{table}").fetchall())


def changes(warehouse):
    with open_warehouse(warehouse) as connection:
        return sorted(connection.execute("SELECT table_name, record_id, change FROM work.changes").fetchall())


def test_appended_messages_accumulate_and_a_repeated_row_is_not_duplicated(tmp_path, warehouse_path, policy):
    m1 = message("m1", "c1", "marketing", "2026-01-02T10:00:00Z")
    m2 = message("m2", "c1", "marketing", "2026-01-03T10:00:00Z")
    run_engine(night(tmp_path / "n1", messages=[m1]), warehouse_path, policy, with_gates=True, run_id="n1")
    run_engine(night(tmp_path / "n2", messages=[m1, m2]), warehouse_path, policy, with_gates=True, run_id="n2")
    assert staged(warehouse_path, "messages", "message_id") == ["m1", "m2"]
    assert ("messages", "m2", "new") in changes(warehouse_path)
    assert ("messages", "m1", "new") not in changes(warehouse_path)
    # The next day's log holds only the new day: what was delivered before stays.
    m3 = message("m3", "c1", "marketing", "2026-01-04T10:00:00Z")
    run_engine(night(tmp_path / "n3", messages=[m3]), warehouse_path, policy, with_gates=True, run_id="n3")
    assert staged(warehouse_path, "messages", "message_id") == ["m1", "m2", "m3"]


def test_a_known_message_id_with_other_content_is_refused_naming_the_row(tmp_path, warehouse_path, policy):
    m1 = message("m1", "c1", "marketing", "2026-01-02T10:00:00Z")
    run_engine(night(tmp_path / "n1", messages=[m1]), warehouse_path, policy, with_gates=True, run_id="n1")
    changed = {**m1, "to_phone": OTHER}
    new = message("m2", "c1", "marketing", "2026-01-03T10:00:00Z")
    with pytest.raises(ingest.SourceError) as refused:
        run_engine(night(tmp_path / "n2", messages=[new, changed]), warehouse_path, policy, with_gates=True,
                   run_id="n2")
    assert str(refused.value).startswith("messages.csv row 2: message_id was delivered before with other content")
    assert "7400" not in str(refused.value)
    assert staged(warehouse_path, "messages", "message_id") == ["m1"]  # nothing of the delivery was kept


def test_a_snapshot_records_new_changed_and_gone_rows_and_replaces_the_table(tmp_path, warehouse_path, policy):
    first = [contact("c1", PHONE), contact("c2", OTHER), contact("c3", "+447400123458")]
    run_engine(night(tmp_path / "n1", contacts=first), warehouse_path, policy, with_gates=True, run_id="n1")
    assert {change for table, _, change in changes(warehouse_path) if table == "contacts"} == {"new"}
    second = [contact("c1", PHONE), contact("c2", "+447400123459"), contact("c4", "+447400123460")]
    late = consent("e0", "c1", "marketing", "opt_in", "2025-12-01T08:00:00Z")
    run_engine(night(tmp_path / "n2", contacts=second, consents=[EVENT, late]), warehouse_path, policy,
               with_gates=True, run_id="n2")
    assert changes(warehouse_path) == [
        ("consents", "e0", "new"),
        ("contacts", "c2", "changed"), ("contacts", "c3", "gone"), ("contacts", "c4", "new"),
    ]
    assert staged(warehouse_path, "contacts", "contact_id") == ["c1", "c2", "c4"]


def test_messages_declared_a_snapshot_are_replaced_and_may_change(tmp_path, warehouse_path, policy):
    snapshot = policy.model_copy(update={"delivery": Delivery(messages="snapshot")})
    m1 = message("m1", "c1", "marketing", "2026-01-02T10:00:00Z")
    run_engine(night(tmp_path / "n1", messages=[m1]), warehouse_path, snapshot, with_gates=True, run_id="n1")
    m2 = message("m2", "c1", "marketing", "2026-01-03T10:00:00Z")
    run_engine(night(tmp_path / "n2", messages=[{**m1, "body": "Acme: new text. Reply STOP to opt out"}, m2]),
               warehouse_path, snapshot, with_gates=True, run_id="n2")
    assert staged(warehouse_path, "messages", "message_id") == ["m1", "m2"]
    assert [row for row in changes(warehouse_path) if row[0] == "messages"] == [
        ("messages", "m1", "changed"), ("messages", "m2", "new")]


def test_a_table_without_an_id_cannot_be_appended():
    with pytest.raises(ValueError, match="deactivations has no id column"):
        Delivery(deactivations="append")

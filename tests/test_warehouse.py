"""The warehouse file: encrypted at rest, its keys outside it, one writer at a time, errors redacted."""

import os
import stat
import subprocess
import sys
import textwrap

import pytest
from support import POLICY_SHA256, contact, message, run_engine, write_source

from listwarden import keys, settings, warehouse
from listwarden.warehouse import WarehouseError, open_warehouse, redact

PHONE_DIGITS = b"7400123456"


def test_numbers_are_not_readable_in_the_file_bytes(tmp_path, warehouse_path, policy):
    source = write_source(tmp_path / "source", contacts=[contact("c1", "+44 7400 123456")],
                          messages=[message("m1", "c1", "marketing", "2026-03-01T10:00:00Z")])
    run_engine(source, warehouse_path, policy)
    stored = b"".join(path.read_bytes() for path in warehouse_path.parent.iterdir() if path.is_file())
    assert warehouse_path.stat().st_size > 0
    assert PHONE_DIGITS not in stored


def test_the_byte_search_would_see_a_number_in_a_plain_file(tmp_path):
    import duckdb

    with duckdb.connect(str(tmp_path / "plain.duckdb")) as plain:
        plain.execute("CREATE TABLE t AS SELECT '+447400123456' AS e164")
    assert PHONE_DIGITS in (tmp_path / "plain.duckdb").read_bytes()


def test_the_file_is_unreadable_without_the_key(tmp_path, warehouse_path, policy):
    import duckdb

    run_engine(write_source(tmp_path / "source", contacts=[contact("c1")]), warehouse_path, policy)
    with pytest.raises(duckdb.Error, match="encrypted"):
        duckdb.connect().execute(f"ATTACH '{warehouse_path}' AS plain")


def test_a_wrong_key_fails_clearly_without_showing_a_key(warehouse_path, monkeypatch):
    with open_warehouse(warehouse_path):
        pass
    monkeypatch.setenv("LISTWARDEN_WAREHOUSE_KEY", "not-the-key-0123456789")
    settings.reload()
    with pytest.raises(WarehouseError) as refused:
        with open_warehouse(warehouse_path):
            pass
    assert "cannot open with the warehouse key" in str(refused.value)
    assert "not-the-key" not in str(refused.value)


def test_keys_are_created_only_by_keys_init_once_with_owner_only_permissions(tmp_path, monkeypatch):
    monkeypatch.setenv("LISTWARDEN_SECRETS_DIR", str(tmp_path / "secrets"))
    settings.reload()
    with pytest.raises(keys.KeyMissing, match="listwarden keys init"):
        keys.secret(keys.SUBJECT)
    assert not (tmp_path / "secrets").exists()
    assert all(done.startswith("created") for done in keys.init().values())
    first = keys.secret(keys.SUBJECT)
    assert all(done.startswith("kept") for done in keys.init().values()) and keys.secret(keys.SUBJECT) == first
    assert len(first) == 64
    assert stat.S_IMODE(os.stat(tmp_path / "secrets" / "subject.key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "secrets").st_mode) == 0o700


def test_a_key_from_the_environment_wins(monkeypatch):
    monkeypatch.setenv("LISTWARDEN_SUBJECT_KEY", "from-the-environment")
    settings.reload()
    assert keys.secret(keys.SUBJECT) == "from-the-environment"


def test_the_keyed_hash_in_sql_is_the_one_in_python(warehouse_path, monkeypatch):
    for key in ("short", "k" * 64, "long" * 40):
        monkeypatch.setenv("LISTWARDEN_SUBJECT_KEY", key)
        settings.reload()
        with open_warehouse(warehouse_path.with_name(f"{len(key)}.duckdb")) as connection:
            in_sql = connection.execute("SELECT keyed_hash('+447400123456')").fetchone()[0]
        assert in_sql == keys.subject_hash("+447400123456", key)


def test_another_subject_key_is_refused_by_every_open_and_changes_nothing(warehouse_path, monkeypatch):
    with open_warehouse(warehouse_path):
        pass
    before = warehouse_path.read_bytes()
    monkeypatch.setenv("LISTWARDEN_SUBJECT_KEY", "a-new-key-made-by-mistake")
    settings.reload()
    for read_only in (False, True):
        with pytest.raises(WarehouseError, match="is not the key this warehouse was built with"):
            with open_warehouse(warehouse_path, read_only=read_only):
                pass
    assert warehouse_path.read_bytes() == before


def test_files_and_directories_are_the_owners_only(warehouse_path):
    with open_warehouse(warehouse_path):
        pass
    assert stat.S_IMODE(warehouse_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(warehouse_path.parent.stat().st_mode) == 0o700


def hold_open(warehouse_path, read_only: bool, seconds: float) -> subprocess.Popen:
    holder = textwrap.dedent(f"""
        import time
        from listwarden.warehouse import open_warehouse
        with open_warehouse({str(warehouse_path)!r}, read_only={read_only}):
            print("open", flush=True)
            time.sleep({seconds})
    """)
    process = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True, env=os.environ)
    assert process.stdout.readline().strip() == "open"
    return process


def test_another_process_holding_the_file_is_waited_for_within_a_bound(warehouse_path):
    with open_warehouse(warehouse_path):
        pass
    process = hold_open(warehouse_path, read_only=False, seconds=30)
    try:
        with pytest.raises(WarehouseError, match=rf"in use by another process \(PID {process.pid}\)"):
            with open_warehouse(warehouse_path, wait_seconds=1):
                pass
    finally:
        process.kill()
        process.wait()


def test_a_reader_does_not_break_a_writer_and_readers_share(warehouse_path):
    with open_warehouse(warehouse_path):
        pass
    reader = hold_open(warehouse_path, read_only=True, seconds=3)
    try:
        with open_warehouse(warehouse_path, read_only=True) as connection:  # readers share the file
            assert connection.execute("SELECT count(*) FROM audit.runs").fetchone() == (0,)
        with open_warehouse(warehouse_path) as connection:  # the writer waits for the reader to finish
            connection.execute("CREATE TABLE work.written AS SELECT 1 AS one")
        assert reader.wait(timeout=10) == 0
    finally:
        reader.kill()
        reader.wait()


def test_a_second_run_in_the_same_process_is_refused(warehouse_path):
    with open_warehouse(warehouse_path):
        with pytest.raises(WarehouseError, match="in use by another run in this process"):
            with open_warehouse(warehouse_path):
                pass


def test_a_run_holds_the_warehouse_between_its_tasks(warehouse_path):
    from listwarden import runs

    with runs.exclusive(warehouse_path, "run-one"):
        with open_warehouse(warehouse_path):  # the run's own tasks still open it
            pass
        with pytest.raises(WarehouseError, match=r"in use by run run-one \(PID \d+\); one run at a time"):
            with runs.exclusive(warehouse_path, "run-two"):
                pass
    with runs.exclusive(warehouse_path, "run-two"):
        pass


def test_publish_refuses_a_work_table_whose_columns_differ_from_core_and_publishes_nothing(warehouse_path, policy):
    from listwarden import runs

    with open_warehouse(warehouse_path) as connection:
        runs.begin(connection, "r1", "test", {}, policy, POLICY_SHA256)
        connection.execute("DROP VIEW work.suppression")
        connection.execute("CREATE TABLE work.suppression AS SELECT 'a subject' AS subject, now() AS since")
        with pytest.raises(WarehouseError, match=r"work.suppression has columns \['subject', 'since'\]"):
            runs.publish(connection)
        assert connection.execute("SELECT count(*) FROM audit.runs").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM core.suppression").fetchone() == (0,)


def test_database_errors_are_redacted_and_name_the_query(warehouse_path):
    with open_warehouse(warehouse_path) as connection:
        with pytest.raises(WarehouseError) as failed:
            warehouse.execute(connection, "SELECT CAST('+44 7400 123456' AS TIMESTAMP)", "casting")
    assert str(failed.value).startswith("casting: ConversionException")
    assert "7400" not in str(failed.value)
    assert failed.value.__cause__ is None and failed.value.__suppress_context__


@pytest.mark.parametrize(("text", "expected"), [
    ("value '+44 7400 123456' here", "value '[redacted]' here"),
    ("(201) 555-0123", "([redacted]"),
    ("row 12 of 3", "row 12 of 3"),
])
def test_redact(text, expected):
    assert redact(text) == expected


def test_settings_refuse_plaintext_unless_allowed_and_name_a_bad_value(monkeypatch):
    monkeypatch.setenv("LISTWARDEN_PLAINTEXT", "1")
    with pytest.raises(settings.SettingsError, match="LISTWARDEN_PLAINTEXT turns the warehouse's encryption off"):
        settings.reload()
    monkeypatch.setenv("LISTWARDEN_ALLOW_PLAINTEXT", "1")
    assert settings.reload().plaintext
    monkeypatch.setenv("LISTWARDEN_MEMORY_LIMIT", "lots")
    with pytest.raises(settings.SettingsError, match="LISTWARDEN_MEMORY_LIMIT: .*a size such as 2GB"):
        settings.reload()
    monkeypatch.setenv("LISTWARDEN_MEMORY_LIMIT", "512MiB")
    monkeypatch.setenv("LISTWARDEN_KILL_AT", "lunch")
    with pytest.raises(settings.SettingsError, match="LISTWARDEN_KILL_AT: .*expected one of land, apply"):
        settings.reload()
    monkeypatch.delenv("LISTWARDEN_KILL_AT")
    assert settings.reload().memory_limit == "512MiB"

"""The warehouse file: encrypted at rest, its keys outside it, one writer at a time, errors redacted."""

import os
import stat
import subprocess
import sys
import textwrap

import pytest
from support import contact, message, run_engine, write_source

from listwarden import keys, warehouse
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
    with pytest.raises(WarehouseError) as refused:
        with open_warehouse(warehouse_path):
            pass
    assert "cannot open with the warehouse key" in str(refused.value)
    assert "not-the-key" not in str(refused.value)


def test_keys_are_created_once_with_owner_only_permissions(secrets_dir):
    first = keys.secret(keys.SUBJECT)
    assert keys.secret(keys.SUBJECT) == first and len(first) == 64
    mode = stat.S_IMODE(os.stat(secrets_dir / "subject.key").st_mode)
    assert mode == 0o600


def test_a_key_from_the_environment_wins(monkeypatch):
    monkeypatch.setenv("LISTWARDEN_SUBJECT_KEY", "from-the-environment")
    assert keys.secret(keys.SUBJECT) == "from-the-environment"


def test_a_second_process_is_refused_while_a_run_holds_the_warehouse(warehouse_path):
    holder = textwrap.dedent(f"""
        import sys, time
        from listwarden.warehouse import open_warehouse
        with open_warehouse({str(warehouse_path)!r}):
            print("open", flush=True)
            time.sleep(30)
    """)
    process = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True, env=os.environ)
    try:
        assert process.stdout.readline().strip() == "open"
        with pytest.raises(WarehouseError, match=rf"in use by another process \(PID {process.pid}\); one run at a time"):
            with open_warehouse(warehouse_path):
                pass
    finally:
        process.kill()
        process.wait()


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

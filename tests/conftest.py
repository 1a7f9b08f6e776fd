import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from listwarden import settings

settings.disable_telemetry()  # before anything imports Prefect or GX

# Property tests run whole nights: a few examples per run of the suite; `pytest
# --hypothesis-profile=thorough tests/test_incremental.py` tries many more.
hypothesis_settings.register_profile("suite", max_examples=8, deadline=None, database=None)
hypothesis_settings.register_profile("thorough", max_examples=300, deadline=None, database=None)
hypothesis_settings.load_profile("suite")

ROOT = Path(__file__).resolve().parent.parent
DEMO_CONTACTS = 300
DEMO_AS_OF = date.today()


@pytest.fixture(autouse=True, scope="session")
def secrets_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("secrets")
    os.environ["LISTWARDEN_SECRETS_DIR"] = str(directory)
    for variable in ("LISTWARDEN_WAREHOUSE_KEY", "LISTWARDEN_SUBJECT_KEY"):
        os.environ.pop(variable, None)
    from listwarden import keys

    settings.reload()
    keys.init()
    return directory


@pytest.fixture(autouse=True)
def settings_of_the_environment():
    """Settings are read once per process; a test that changes the environment (monkeypatch)
    reads them again with settings.reload(), and the next test starts from the restored one."""
    yield
    settings.reload()


@pytest.fixture(scope="session")
def policy_path():
    return ROOT / "policies" / "default.yaml"


@pytest.fixture(scope="session")
def policy(policy_path):
    from listwarden.policy import load_policy

    return load_policy(policy_path)


@pytest.fixture(scope="session")
def demo_source(tmp_path_factory):
    """Demo sources generated once per session (read-only for tests; copy before changing)."""
    from listwarden.demo import generate

    out = tmp_path_factory.mktemp("demo-source")
    generate(out, contacts=DEMO_CONTACTS, seed=11, as_of=DEMO_AS_OF)
    return out


@pytest.fixture
def demo_copy(demo_source, tmp_path):
    copy = tmp_path / "source"
    shutil.copytree(demo_source, copy)
    return copy


@pytest.fixture
def warehouse_path(tmp_path):
    return tmp_path / "var" / "warehouse.duckdb"


@pytest.fixture(scope="session")
def prefect_server():
    """One Prefect test server (SQLite) for every test that runs a real flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield

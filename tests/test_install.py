"""listwarden installs like a library: a wheel in a fresh virtual environment runs the demo in an
empty directory, with the SQL, the suites and the default policy read from the package."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.flow
def test_a_wheel_in_a_fresh_environment_runs_the_demo_in_an_empty_directory(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(tmp_path / "dist"), str(ROOT)], check=True, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("listwarden-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin" / "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], check=True)
    # The pinned dependencies are this environment's, made visible as plain paths: its .pth files
    # (the checkout's editable install among them) are not read, so listwarden is the wheel's.
    site = subprocess.run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("LISTWARDEN_", "PREFECT_"))}
    environment.update(LISTWARDEN_SECRETS_DIR=str(tmp_path / "secrets"), PYTHONPATH="", HOME=str(tmp_path))
    where = subprocess.run([venv / "bin" / "python", "-c", "import listwarden; print(listwarden.__file__)"],
                           check=True, capture_output=True, text=True, cwd=empty, env=environment).stdout
    assert where.startswith(str(venv))
    demo = subprocess.run([venv / "bin" / "listwarden", "demo", "--contacts", "60"], capture_output=True, text=True,
                          cwd=empty, env=environment, timeout=600)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-4000:]
    (report,) = (empty / "var" / "reports").glob("*/index.html")
    assert 'id="check-no_consent"' in report.read_text(encoding="utf-8")
    assert sorted(path.name for path in empty.iterdir()) == ["var"]  # nothing needed beside it

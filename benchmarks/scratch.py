"""What every benchmark starts from: a scratch directory and the default policy."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DEFAULT_POLICY = Path(__file__).resolve().parent.parent / "policies" / "default.yaml"


def scratch_directory(name: str) -> Path:
    """A fresh temporary directory for one benchmark run: keys are created inside it and Great
    Expectations sends no analytics. Call it before importing the rest of listwarden."""
    scratch = Path(tempfile.mkdtemp(prefix=f"listwarden-{name}-"))
    os.environ.setdefault("LISTWARDEN_SECRETS_DIR", str(scratch / "secrets"))
    from listwarden import keys, settings

    settings.disable_telemetry()

    keys.init()
    return scratch

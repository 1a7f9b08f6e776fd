"""What every benchmark starts from: a scratch directory and the default policy."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DEFAULT_POLICY = Path(__file__).resolve().parent.parent / "policies" / "default.yaml"


def scratch_directory(name: str) -> Path:
    """A fresh temporary directory for one benchmark run: keys are generated inside it and Great
    Expectations sends no analytics. Call it before importing listwarden."""
    scratch = Path(tempfile.mkdtemp(prefix=f"listwarden-{name}-"))
    os.environ.setdefault("LISTWARDEN_SECRETS_DIR", str(scratch / "secrets"))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    return scratch

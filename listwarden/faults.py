"""Crash points for the fault tests: with LISTWARDEN_KILL_AT=<point> the process SIGKILLs itself
there, as a power cut or an OOM kill would stop it."""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    if os.environ.get("LISTWARDEN_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)

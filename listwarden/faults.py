"""Crash points for the fault tests: with the kill_at setting (LISTWARDEN_KILL_AT=<point>) the
process SIGKILLs itself there, as a power cut or an OOM kill would stop it."""

from __future__ import annotations

import os
import signal

from listwarden import settings


def crash_point(name: str) -> None:
    assert name in settings.CRASH_POINTS, name
    if settings.current().kill_at == name:
        os.kill(os.getpid(), signal.SIGKILL)

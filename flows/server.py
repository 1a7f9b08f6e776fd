"""Prefect's API for one command, when no server is configured (PREFECT_API_URL unset).

Prefect would start its temporary server by itself, but a command killed with SIGKILL leaves that
server running, re-parented to PID 1 and holding its port. The same server is started here, with
a watchdog process that stops it once this process is gone, however it ended.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

STARTUP_SECONDS = 120  # a fresh Prefect home on a busy machine takes longer than Prefect's 20 s
# Runs apart from this process (its own session): polls that the command and the server are
# alive; when the command is gone, stops the server.
WATCHDOG = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
command, server = int(sys.argv[1]), int(sys.argv[2])
def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
while alive(server):
    if not alive(command) or os.getppid() != command:
        os.kill(server, signal.SIGTERM)
        time.sleep(5)
        if alive(server):
            os.kill(server, signal.SIGKILL)
        break
    time.sleep(0.5)
"""


@contextmanager
def api() -> Iterator[None]:
    """Use the configured Prefect API, or a temporary server that lives as long as this process."""
    from prefect.logging.handlers import APILogWorker
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, PREFECT_LOGGING_TO_API_ENABLED, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    server = SubprocessASGIServer()
    server.start(timeout=STARTUP_SECONDS)
    watchdog = subprocess.Popen([sys.executable, "-c", WATCHDOG, str(os.getpid()), str(server.server_process.pid)],
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            try:
                yield
            finally:
                APILogWorker.drain_all(timeout=5)  # the run's last logs, while the server is there
    finally:
        with temporary_settings(updates={PREFECT_LOGGING_TO_API_ENABLED: False}):
            server.stop()
        watchdog.wait(timeout=10)

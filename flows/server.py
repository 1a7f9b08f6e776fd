"""Prefect's API for one command, when no server is configured (PREFECT_API_URL unset).

Prefect would start its temporary server by itself, but a command killed with SIGKILL leaves that
server running, re-parented to PID 1 and holding its port. The same server is started here, with
a watchdog process, started first, that stops it once this process is gone, however it ended.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

STARTUP_SECONDS = 120  # a fresh Prefect home on a busy machine takes longer than Prefect's 20 s
SERVER_APP = "prefect.server.api.server:create_app"
# Runs apart from this process (its own session): waits while the command lives; when it is gone,
# stops the server it started (found in /proc by its app and port, since the command may be
# killed before it learnt the server's PID).
WATCHDOG = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
command, app, port = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3].encode()
def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
while alive(command) and os.getppid() == command:
    time.sleep(0.5)
for entry in filter(str.isdigit, os.listdir("/proc")):
    try:
        arguments = open(f"/proc/{entry}/cmdline", "rb").read().split(b"\\0")
    except OSError:
        continue
    if app in arguments and port in arguments and int(entry) != os.getpid():  # its own arguments hold both
        os.kill(int(entry), signal.SIGTERM)
        time.sleep(5)
        if alive(int(entry)):
            os.kill(int(entry), signal.SIGKILL)
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
    server.port = server.find_available_port()
    watchdog = _watchdog(server.port)
    try:
        server.start(timeout=STARTUP_SECONDS)
        if server.port != int(watchdog.args[-1]):  # Prefect moved to another port: watch that one
            _stop(watchdog)
            watchdog = _watchdog(server.port)
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            try:
                yield
            finally:
                APILogWorker.drain_all(timeout=5)  # the run's last logs, while the server is there
    finally:
        with temporary_settings(updates={PREFECT_LOGGING_TO_API_ENABLED: False}):
            server.stop()
        _stop(watchdog)  # its work is done: the server is stopped


def _watchdog(port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WATCHDOG, str(os.getpid()), SERVER_APP, str(port)],
                            stdin=subprocess.DEVNULL, start_new_session=True)


def _stop(watchdog: subprocess.Popen) -> None:
    watchdog.kill()
    watchdog.wait()

"""Peak resident memory of this process and its children, sampled from /proc (Linux)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


class PeakMemory(threading.Thread):
    """Samples the resident size of this process plus its children (from /proc) until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak, self.running = 0, True

    def __enter__(self) -> PeakMemory:
        self.start()
        return self

    def __exit__(self, *_) -> None:
        self.running = False
        self.join()

    @property
    def mib(self) -> float:
        return self.peak / 1024

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, sum(_rss_kib(pid) for pid in _tree(os.getpid())))
            time.sleep(0.1)


def _tree(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(child) for child in task.read_text().split()]
    return [pid] + [descendant for child in children for descendant in _tree(child)]


def _rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)

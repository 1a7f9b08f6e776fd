"""Peak resident memory of a process tree (a process and all its descendants), sampled from /proc (Linux)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


class PeakMemory(threading.Thread):
    """Samples the resident size summed over `root` (default: this process) and its descendants
    every `interval` seconds until stopped."""

    def __init__(self, root: int | None = None, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root or os.getpid(), interval
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
            self.peak = max(self.peak, sum(_rss_kib(pid) for pid in _tree(self.root)))
            time.sleep(self.interval)


def _tree(root: int) -> list[int]:
    """root and every process below it; processes that end while we look are skipped."""
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                stack += [int(child) for child in task.read_text().split()]
            except OSError:
                pass
    return found


def _rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)

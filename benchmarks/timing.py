"""The benchmarks' runner: the jobs' own items and run life, each timed (listwarden.jobs).

Import it inside main(), after scratch_directory(): the worker processes the accuracy step spawns
import the benchmark's own module, and should not import the whole engine with it."""

from __future__ import annotations

import time
from pathlib import Path

from listwarden import jobs


class TimedRunner(jobs.DirectRunner):
    """The direct runner, timing every gate, step and stage of the run's life."""

    def __init__(self, warehouse_path: Path, reports: Path | None = None, rows: dict[str, int] | None = None,
                 with_gates: bool = True):
        super().__init__(warehouse_path, reports, with_gates)
        self.rows, self.job, self.timings, self.details = rows or {}, None, [], {}

    def run_job(self, job: jobs.Job, arguments: jobs.Arguments) -> None:
        self.job = job.name
        try:
            jobs.run_items(job, arguments, self)
        finally:
            self.job = None

    def _timed(self, name: str, work):
        started = time.perf_counter()
        result = work()
        label = f"{self.job}: {name}" if self.job else name
        self.timings.append((label, time.perf_counter() - started, self.rows.get(self.job)))
        return result

    def gate(self, suite):
        return self._timed(f"gate {suite}", lambda: super(TimedRunner, self).gate(suite))

    def step(self, name, work):
        self.details[name] = self._timed(name, lambda: super(TimedRunner, self).step(name, work))
        return self.details[name]

    def publish(self):
        return self._timed("publish (deletions applied)", super().publish)

    def finish_deletions(self):
        return self._timed("finish deletions (compact, verify)", super().finish_deletions)

    def report(self, run_id):
        return self._timed("report", lambda: super(TimedRunner, self).report(run_id))

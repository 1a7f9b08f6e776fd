"""What makes a flow a run: begin, then (when the flow is the outermost) publish and report."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from prefect.runtime import flow_run

from flows import tasks
from listwarden import runs


@dataclass
class Run:
    run_id: str
    report: str | None = None  # set when the run is published and reported


@contextmanager
def run(flow: str, run_id: str | None, warehouse: str, policy: str, reports: str, parameters: dict) -> Iterator[Run]:
    """A job called by nightly is part of nightly's run (run_id given); a job started on its own
    is a run of its own: begun here, then published and reported if its body completes."""
    if run_id:
        yield Run(run_id)
        return
    current = Run(str(flow_run.get_id()))
    with runs.exclusive(Path(warehouse), current.run_id):
        tasks.finish_deletions(warehouse, reports)  # of an earlier run, stopped after it published
        tasks.write_missing_reports(warehouse, reports)
        tasks.begin_run(warehouse, current.run_id, flow, parameters, policy)
        yield current
        tasks.publish(warehouse)
        finished = tasks.finish_deletions(warehouse, reports)
        from flows.report import report  # a subflow of this run

        current.report = report(warehouse=warehouse, reports=reports, run_id=current.run_id)
        tasks.raise_if_deletions_failed(warehouse, current.run_id, finished)

"""What makes a flow a run: begin, then (when the flow is the outermost) publish and report."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from prefect.runtime import flow_run

from flows import tasks


@contextmanager
def run(flow: str, run_id: str | None, warehouse: str, policy: str, reports: str, parameters: dict) -> Iterator[str]:
    """Yield the run id. A job called by nightly is part of nightly's run (run_id given);
    a job started on its own is a run of its own, published and reported when it completes."""
    if run_id:
        yield run_id
        return
    run_id = str(flow_run.get_id())
    tasks.begin_run(warehouse, run_id, flow, parameters, policy)
    yield run_id
    tasks.publish(warehouse)
    from flows.report import report  # the report flow, run as a subflow of this one

    report(warehouse=warehouse, reports=reports, run_id=run_id)

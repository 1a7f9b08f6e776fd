from prefect import flow

from flows import defaults, tasks


@flow(name="report")
def report(warehouse: str = defaults.WAREHOUSE, reports: str = defaults.REPORTS, run_id: str | None = None) -> str:
    """Write the report of a published run (default: the latest) from its audit records."""
    return tasks.write_report(warehouse, reports, run_id)

"""Reading the audit trail."""

from __future__ import annotations

import duckdb
import polars as pl

from listwarden import runs, warehouse


def violations(connection: duckdb.DuckDBPyConnection, run_id: str | None = None) -> pl.DataFrame:
    """A run's findings (default: the latest published run), as audit.violations holds them."""
    run_id = run_id or runs.latest_run_id(connection)
    if run_id is None:
        raise warehouse.WarehouseError("no published run in this warehouse yet: run `listwarden run nightly` first")
    return warehouse.run(connection, "audit/violations", run_id=run_id).pl()

"""The optouts job: classify every inbound message (see keywords.py) into work.inbound."""

from __future__ import annotations

import duckdb

from listwarden import runs, warehouse
from listwarden.keywords import classifier
from listwarden.policy import Policy


def classify(connection: duckdb.DuckDBPyConnection, policy: Policy) -> dict:
    """Each distinct body is classified once (a column at a time); DuckDB joins the result back."""
    bodies = warehouse.run(connection, "optouts/distinct_bodies").fetch_arrow_table().column("body").combine_chunks()
    classified = classifier(policy).table(bodies)
    connection.register("classified_bodies", classified.add_column(0, "body", bodies))
    try:
        runs.replace_work_table(connection, "inbound", "optouts/inbound", {"inbound_region": policy.inbound.default_region})
    finally:
        connection.unregister("classified_bodies")
    warehouse.run(connection, "optouts/review_queue")
    metrics = warehouse.run(connection, "optouts/counts").fetchall()  # also recorded in work.metrics
    counts = {name: value for section, name, value in metrics if section == "inbound"}
    numbers = {name: value for section, name, value in metrics if section == "inbound_numbers"}
    return {"inbound": sum(counts.values()), **counts, "numbers": numbers}

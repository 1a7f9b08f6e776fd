"""The optouts job: classify every inbound message (see keywords.py) into work.inbound."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from listwarden import runs, warehouse
from listwarden.keywords import Classifier
from listwarden.policy import Policy


def classify(connection: duckdb.DuckDBPyConnection, policy: Policy) -> dict:
    """Each distinct body is classified once in Python; DuckDB joins the result back."""
    classifier = Classifier(policy)
    bodies = [row[0] for row in warehouse.run(connection, "optouts/distinct_bodies").fetchall()]
    results = [classifier.classify(body) for body in bodies]
    connection.register("classified_bodies", pa.table({
        "body": pa.array(bodies, pa.string()),
        "kind": [result.kind for result in results],
        "rule": pa.array([result.rule for result in results], pa.string()),
    }))
    try:
        runs.replace_work_table(connection, "inbound", "optouts/inbound", {})
    finally:
        connection.unregister("classified_bodies")
    warehouse.run(connection, "optouts/review_queue")
    counts = dict(warehouse.run(connection, "optouts/counts").fetchall())  # also recorded in work.metrics
    return {"inbound": sum(counts.values()), **counts}

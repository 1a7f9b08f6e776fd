"""Accuracy: every phone value parsed once (cached), contacts normalised, number checks.

The parse cache (cache.numbers) is keyed on (value as typed, default region) for one phonenumbers
version: a run parses only the values it has not seen, and a new version parses everything again.
Uncached values stream from DuckDB in chunks to worker processes, one per core; at most two chunks
per worker are in flight, so memory stays flat however long the list.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial

import duckdb
import pyarrow as pa

from listwarden import keys, phones, runs, warehouse
from listwarden.policy import Policy
from listwarden.progress import progress_bar

CHUNK = 20_000


def normalise(connection: duckdb.DuckDBPyConnection, policy: Policy, workers: int | None = None) -> dict:
    """Parse the values the cache lacks, then build work.contacts and work.accuracy from it."""
    warehouse.run(connection, "accuracy/prune_cache", parser_version=phones.PARSER_VERSION)
    warehouse.run(connection, "accuracy/to_parse", inbound_region=policy.inbound.default_region)
    to_parse = warehouse.count_rows(connection, "work", "numbers_to_parse")
    batches = warehouse.stream(connection, warehouse.sql_text("accuracy/read_to_parse"), "read_to_parse", CHUNK)
    workers = workers or min(os.cpu_count() or 1, -(-to_parse // CHUNK))
    with progress_bar("Parsing phone numbers", to_parse) as advance:
        for parsed in _parse_all(batches, keys.secret(keys.SUBJECT), workers):
            connection.register("parsed_numbers", parsed)
            warehouse.run(connection, "accuracy/insert_parsed")
            connection.unregister("parsed_numbers")
            advance(parsed.num_rows)
    contacts = runs.replace_work_table(connection, "contacts", "accuracy/contacts", {})
    warehouse.execute(
        connection,
        f"INSERT INTO work.accuracy {warehouse.sql_text('accuracy/summary')}",
        "accuracy/summary",
        {"max_valid_share_drop": policy.accuracy.max_valid_share_drop, "values_parsed": to_parse},
    )
    return {"contacts": contacts, "values_parsed": to_parse, "workers": workers}


def _parse_all(batches: Iterable[pa.RecordBatch], key: str, workers: int) -> Iterator[pa.RecordBatch]:
    """Parsed batches, in order. One worker: in this process (no start-up cost for small runs)."""
    parse = partial(phones.parse_batch, key=key)
    if workers <= 1:
        yield from map(parse, batches)
        return
    # spawn, not fork: this process has DuckDB's and Prefect's threads running.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        in_flight: deque[Future] = deque()
        for batch in batches:
            in_flight.append(pool.submit(parse, batch))
            if len(in_flight) >= 2 * workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()

"""The accuracy job on N generated contacts: cold, warm, and a naive baseline, in one run.

    .venv/bin/python benchmarks/accuracy.py --contacts 1000000

Contacts: about 75% distinct raw values, the demo's country mix, numbers typed as E.164,
international with spaces, 00-prefixed and national forms (some random digits make invalid
numbers, as in real lists). The accuracy job is its gates, the normalisation and its checks.
- cold: empty parse cache;
- warm: a second run after 1% of the contacts got a new or changed number;
- baseline: pandas `apply` of phonenumbers.parse + is_valid_number + number_type + E.164 format
  on every row (what a straightforward script does), on the same contacts.
Peak memory is the largest total resident size of this process and its worker processes, sampled
every 0.1 s during the cold and warm runs (the generator and the baseline are not counted).
Run on demand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from pathlib import Path

from peak_memory import PeakMemory
from scratch import DEFAULT_POLICY, scratch_directory

DISTINCT_SHARE = 0.75
CHURN = 0.01
BASELINE_CHUNK = 1_000_000
# Trunk prefix of the national form, per region of the demo's mix.
NATIONAL_PREFIX = {"US": "", "GB": "0", "DE": "0", "FR": "0", "ES": "", "MX": "", "BR": "0", "IN": "0",
                   "AU": "0", "RU": "8", "CN": "0", "CA": ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=None, help="rows for the naive baseline (default: all)")
    arguments = parser.parse_args()

    scratch = scratch_directory("accuracy")
    cold_source, warm_source = scratch / "cold", scratch / "warm"
    started = time.perf_counter()
    spawn = multiprocessing.get_context("spawn")  # generate in a child: its memory is not the job's
    child = spawn.Process(target=write_sources, args=(arguments.contacts, cold_source, warm_source))
    child.start()
    child.join()
    print(f"generated {arguments.contacts:,} contacts in {time.perf_counter() - started:.0f} s", flush=True)

    import great_expectations  # noqa: F401  (imported once per process, like in a flow run; not the job's time)

    warehouse_path = scratch / "warehouse.duckdb"
    with PeakMemory() as peak:
        cold = run_accuracy(cold_source, warehouse_path, "cold")
        warm = run_accuracy(warm_source, warehouse_path, "warm")
    for name, result in (("cold", cold), ("warm", warm)):
        print(f"{name}: {result['seconds']:.1f} s; phases: "
              + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in result["phases"].items()), flush=True)
    print(f"peak memory (this process and its workers): {peak.mib:,.0f} MiB; naive baseline running...", flush=True)
    baseline_rows, baseline_seconds = naive_baseline(cold_source / "contacts.parquet", arguments.baseline_rows)

    rows = arguments.contacts
    baseline_rate = baseline_rows / baseline_seconds
    print("\n| run | contacts | values parsed | seconds | rows/s | vs naive |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, result in (("cold (empty cache)", cold), ("warm (1% changed)", warm)):
        rate = rows / result["seconds"]
        print(f"| {name} | {rows:,} | {result['values_parsed']:,} | {result['seconds']:.1f} | {rate:,.0f} | "
              f"{rate / baseline_rate:.1f}x |")
    print(f"| naive pandas apply | {baseline_rows:,} | {baseline_rows:,} | {baseline_seconds:.1f} | {baseline_rate:,.0f} | 1.0x |")
    print(f"\nworkers: {cold['workers']}; peak memory (this process and its workers): {peak.mib:,.0f} MiB")


def write_sources(contacts: int, cold: Path, warm: Path) -> None:
    """contacts.parquet for the cold run, and a copy with 1% of the numbers changed for the warm run."""
    import numpy as np
    import phonenumbers
    import polars as pl

    from listwarden.demo import COUNTRIES

    random = np.random.default_rng(7)
    regions = [code for code, _, _ in COUNTRIES]
    weights = np.array([weight for *_, weight in COUNTRIES], dtype=float)
    examples = {r: phonenumbers.example_number_for_type(r, phonenumbers.PhoneNumberType.MOBILE) for r in regions}
    table = pl.DataFrame({
        "region": regions,
        "cc": [str(examples[r].country_code) for r in regions],
        "stem": [phonenumbers.national_significant_number(examples[r])[:-6] for r in regions],
        "trunk": [NATIONAL_PREFIX[r] for r in regions],
    })

    def numbers(count: int, seed_offset: int) -> pl.DataFrame:
        generator = np.random.default_rng(1000 + seed_offset)
        frame = pl.DataFrame({
            "region": np.array(regions)[generator.choice(len(regions), count, p=weights / weights.sum())],
            "tail": generator.integers(0, 1_000_000, count),
            "style": generator.integers(0, 5, count),
        }).join(table, on="region", how="left")
        nsn = pl.col("stem") + pl.col("tail").cast(pl.String).str.zfill(6)
        phone = (
            pl.when(pl.col("style") == 0).then("+" + pl.col("cc") + nsn)
            .when(pl.col("style") == 1).then("+" + pl.col("cc") + " " + nsn.str.slice(0, 3) + " " + nsn.str.slice(3))
            .when(pl.col("style") == 2).then("00" + pl.col("cc") + " " + nsn)
            .otherwise(pl.col("trunk") + nsn.str.slice(0, 4) + "-" + nsn.str.slice(4))
        )
        return frame.select(phone.alias("phone"), pl.col("region").alias("country")).unique(maintain_order=True)

    distinct = numbers(int(contacts * DISTINCT_SHARE * 1.3), 0).head(int(contacts * DISTINCT_SHARE))
    repeats = distinct.sample(contacts - distinct.height, with_replacement=True, seed=1)
    frame = pl.concat([distinct, repeats]).sample(fraction=1.0, shuffle=True, seed=2).with_columns(
        pl.format("c-{}", pl.int_range(pl.len())).alias("contact_id"),
        pl.lit("2026-01-01T00:00:00Z").alias("created_at"),
    ).select("contact_id", "phone", "country", "created_at")
    write_source(cold, frame)
    changed = random.choice(contacts, int(contacts * CHURN), replace=False)
    fresh = numbers(len(changed) * 2, 1).head(len(changed))
    warm_frame = frame.with_row_index("row").update(
        fresh.with_columns(pl.Series("row", changed, dtype=pl.UInt32)), on="row").drop("row")
    write_source(warm, warm_frame)


def write_source(directory: Path, contacts) -> None:
    import polars as pl

    from listwarden.contract import TABLES_BY_NAME

    directory.mkdir(parents=True)
    contacts.write_parquet(directory / "contacts.parquet")
    for table in ("consents", "messages", "inbound"):
        pl.DataFrame(schema={column: pl.String for column in TABLES_BY_NAME[table].column_names}).write_parquet(
            directory / f"{table}.parquet")


def run_accuracy(source: Path, warehouse_path: Path, run_id: str) -> dict:
    """Ingest (not counted), then the accuracy job's own items, timed."""
    from timing import TimedRunner

    from listwarden import jobs, runs
    from listwarden.policy import read_policy

    policy, policy_sha256 = read_policy(DEFAULT_POLICY)
    arguments = jobs.Arguments(policy=policy, source=source)
    runner = TimedRunner(warehouse_path, with_gates=False)
    try:
        runs.begin(runner.connect(), run_id, "benchmark", {}, policy, policy_sha256)
        jobs.run_items(jobs.INGEST, arguments, runner)
        ingest_steps = len(runner.timings)
        job_started = time.perf_counter()
        runner.with_gates = True
        runner.run_job(jobs.ACCURACY, arguments)
        seconds = time.perf_counter() - job_started
        runs.publish(runner.connect())
    finally:
        runner.close()
    phases = {name: spent for name, spent, _ in runner.timings[ingest_steps:]}
    normalised = runner.details["normalise numbers"]
    return {"seconds": seconds, "phases": phases, **normalised}


def naive_baseline(contacts: Path, rows: int | None) -> tuple[int, float]:
    """pandas apply on every row, a million rows at a time (one frame of ten million per-row
    results needs over 20 GiB; chunking changes the memory, not the rows/s)."""
    import pandas as pd
    import phonenumbers
    import pyarrow.parquet as pq

    def normalise(row):
        try:
            number = phonenumbers.parse(row["phone"], row["country"])
        except phonenumbers.NumberParseException:
            return pd.Series([None, False, None])
        return pd.Series([phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                          phonenumbers.is_valid_number(number), phonenumbers.number_type(number)])

    done, seconds = 0, 0.0
    for batch in pq.ParquetFile(contacts).iter_batches(batch_size=BASELINE_CHUNK):
        frame = batch.to_pandas()
        if rows is not None:
            frame = frame.head(rows - done)
        started = time.perf_counter()
        frame[["e164", "is_valid", "line_type"]] = frame.apply(normalise, axis=1)
        seconds += time.perf_counter() - started
        done += len(frame)
        if rows is not None and done >= rows:
            break
    return done, seconds


if __name__ == "__main__":
    main()

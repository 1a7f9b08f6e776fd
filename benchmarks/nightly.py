"""Time every step of the nightly run (engine only, no Prefect) on generated data.

    .venv/bin/python benchmarks/nightly.py --contacts 100000

Prints seconds and rows/s per step, the peak memory of the process tree, and a naive baseline for
the accuracy step measured in the same run: pandas `apply` of phonenumbers on every contact row
(parse + validity + type + format), as a spreadsheet-minded script would do it.
Run on demand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from peak_memory import PeakMemory
from scratch import DEFAULT_POLICY, scratch_directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()

    scratch = scratch_directory("nightly")

    from listwarden import accuracy, compliance, gates, ingest, optouts, report, retention, runs
    from listwarden.demo import generate
    from listwarden.policy import load_policy
    from listwarden.warehouse import open_warehouse

    policy = load_policy(DEFAULT_POLICY)
    source = scratch / "source"
    timings: list[tuple[str, float, int | None]] = []

    def timed(name: str, work, rows: int | None = None):
        started = time.perf_counter()
        result = work()
        timings.append((name, time.perf_counter() - started, rows))
        return result

    counts = timed("generate demo sources", lambda: generate(source, contacts=arguments.contacts, seed=arguments.seed))
    contacts, messages = counts["contacts"], counts["messages"]
    total_started = time.perf_counter()
    with PeakMemory() as peak:
        with open_warehouse(scratch / "warehouse.duckdb") as connection:
            runs.begin(connection, "benchmark", "benchmark", {}, DEFAULT_POLICY, policy)
            with runs.step(connection, "benchmark"):
                timed("ingest: land", lambda: ingest.land(connection, source, policy), sum(counts.values()))
                timed("ingest: gate input", lambda: gates.check(connection, "ingest.input"), sum(counts.values()))
                timed("ingest: promote", lambda: ingest.promote(connection), sum(counts.values()))
                timed("ingest: gate output", lambda: gates.check(connection, "ingest.output"))
                timed("ingest: checks", lambda: ingest.check(connection))
                timed("accuracy: gate input", lambda: gates.check(connection, "accuracy.input"), contacts)
                timed("accuracy: normalise", lambda: accuracy.normalise(connection, policy), contacts)
                timed("accuracy: gate output", lambda: gates.check(connection, "accuracy.output"), contacts)
                timed("accuracy: checks", lambda: accuracy.check(connection, policy), contacts)
                timed("optouts: gate input", lambda: gates.check(connection, "optouts.input"), counts["inbound"])
                timed("optouts: classify inbound", lambda: optouts.classify(connection, policy), counts["inbound"])
                timed("optouts: gate output", lambda: gates.check(connection, "optouts.output"))
                timed("compliance: gate input", lambda: gates.check(connection, "compliance.input"), messages)
                timed("compliance: prepare facts", lambda: compliance.prepare(connection, policy), messages)
                timed("compliance: checks", lambda: compliance.check(connection, policy), messages)
                timed("compliance: audience", lambda: compliance.audience(connection, policy), contacts)
                timed("compliance: gate output", lambda: gates.check(connection, "compliance.output"))
                timed("retention: gate input", lambda: gates.check(connection, "retention.input"), contacts)
                timed("retention: plan", lambda: retention.plan(connection, policy), contacts)
                timed("retention: checks", lambda: retention.check(connection))
                timed("retention: gate output", lambda: gates.check(connection, "retention.output"))
            timed("publish (deletions applied)", lambda: runs.publish(connection))
        timed("finish deletions (compact, verify)", lambda: retention.finish(scratch / "warehouse.duckdb", scratch / "reports"))
        with open_warehouse(scratch / "warehouse.duckdb") as connection:
            timed("report", lambda: report.publish(connection, "benchmark", scratch / "reports"))
        engine_seconds = time.perf_counter() - total_started
    baseline_seconds = naive_accuracy(source / "contacts.csv")

    print(f"\n{contacts:,} contacts, {messages:,} messages, {counts['consents']:,} consents, {counts['inbound']:,} inbound")
    print(f"{'step':32} {'seconds':>9} {'rows/s':>12}")
    for name, seconds, rows in timings:
        rate = f"{rows / seconds:,.0f}" if rows else ""
        print(f"{name:32} {seconds:9.2f} {rate:>12}")
    normalise_seconds = next(seconds for name, seconds, _ in timings if name == "accuracy: normalise")
    print(f"{'engine total (without generate)':32} {engine_seconds:9.2f}")
    print(f"{'naive pandas apply (accuracy)':32} {baseline_seconds:9.2f} {contacts / baseline_seconds:12,.0f}")
    print(f"accuracy normalise vs naive: {baseline_seconds / normalise_seconds:.1f}x the throughput")
    print(f"peak memory (the process and its workers): {peak.mib:,.0f} MiB")


def naive_accuracy(contacts_csv: Path) -> float:
    """Every row parsed, validated, typed and formatted with pandas apply: the baseline."""
    import pandas as pd
    import phonenumbers

    frame = pd.read_csv(contacts_csv, dtype=str, keep_default_na=False)
    started = time.perf_counter()

    def normalise(row):
        try:
            number = phonenumbers.parse(row["phone"], row["country"] or None)
        except phonenumbers.NumberParseException:
            return pd.Series([None, False, None])
        return pd.Series([
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            phonenumbers.is_valid_number(number),
            phonenumbers.number_type(number),
        ])

    frame[["e164", "is_valid", "line_type"]] = frame.apply(normalise, axis=1)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()

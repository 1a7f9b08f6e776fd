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

    from timing import TimedRunner

    from listwarden import jobs
    from listwarden.demo import generate
    from listwarden.policy import read_policy

    policy, policy_sha256 = read_policy(DEFAULT_POLICY)
    source = scratch / "source"
    started = time.perf_counter()
    counts = generate(source, contacts=arguments.contacts, seed=arguments.seed)
    generate_seconds = time.perf_counter() - started
    contacts, messages = counts["contacts"], counts["messages"]
    rows = {"ingest": sum(counts.values()), "accuracy": contacts, "optouts": counts["inbound"],
            "compliance": messages, "retention": contacts}
    runner = TimedRunner(scratch / "warehouse.duckdb", scratch / "reports", rows)
    total_started = time.perf_counter()
    with PeakMemory() as peak:
        try:
            with jobs.life(runner, "benchmark", "benchmark", {}, policy, policy_sha256):
                for job in jobs.NIGHTLY:
                    runner.run_job(job, jobs.Arguments(policy=policy, source=source))
        finally:
            runner.close()
        engine_seconds = time.perf_counter() - total_started
    baseline_seconds = naive_accuracy(source / "contacts.csv")

    print(f"\n{contacts:,} contacts, {messages:,} messages, {counts['consents']:,} consents, {counts['inbound']:,} inbound")
    print(f"{'step':40} {'seconds':>9} {'rows/s':>12}")
    print(f"{'generate demo sources':40} {generate_seconds:9.2f}")
    for name, seconds, rows in runner.timings:
        rate = f"{rows / seconds:,.0f}" if rows else ""
        print(f"{name:40} {seconds:9.2f} {rate:>12}")
    normalise_seconds = next(seconds for name, seconds, _ in runner.timings if name == "accuracy: normalise numbers")
    print(f"{'engine total (without generate)':40} {engine_seconds:9.2f}")
    print(f"{'naive pandas apply (accuracy)':40} {baseline_seconds:9.2f} {contacts / baseline_seconds:12,.0f}")
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

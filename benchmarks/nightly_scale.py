"""Night after night at scale: does a warm nightly cost the new day, not the history?

    .venv/bin/python benchmarks/nightly_scale.py --contacts 1000000 --messages 10000000 --nights 5
    .venv/bin/python benchmarks/nightly_scale.py --contacts 20000 --messages 200000 --nights 3  # minutes

Night 0 (cold) delivers the realistic list of benchmarks/realistic.py whole: 60 days of messages
and replies. Each later night delivers what a sender's systems export the next day: contacts and
consents as snapshots (the CRM's whole tables: the realistic list's new contacts, 1% of the
contacts active again since, that is with a new last_activity_at, and 0.5% of them with an opt-in
recorded late, its occurred_at 30 days back), and messages and replies by append (only the day's
rows). Every night runs the real command (`listwarden run nightly`, Prefect included) on one
warehouse; the last night runs a second time with `--full` on a copy of the warehouse as it was
before that night, and the findings open after each are compared.

Per night: wall seconds, peak resident memory of the process tree, the time of each step, what
the compliance scope took (contacts, numbers), findings open, new and closed, the warehouse file
size, the rows delivered, and how long `listwarden audit verify` of the whole trail takes after it. Run on demand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import realistic
from scratch import scratch_directory

ACTIVE_AGAIN_PERCENT = 1
LATE_CONSENT_PER_MILLE = 5


def deliver(out: Path, night: int, nights_end: list[datetime]) -> dict[str, int]:
    """Turn realistic.generate's night into that night's delivery (see the module's doc)."""
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    files = {table: str(out / f"{table}.parquet").replace("'", "''") for table in ("contacts", "consents",
                                                                                   "messages", "inbound")}
    ends = ", ".join(f"({j}, TIMESTAMPTZ '{end.isoformat()}')" for j, end in enumerate(nights_end[1:night + 1], 1))
    if night:
        connection.execute(f"CREATE TABLE ends (night INTEGER, ended TIMESTAMPTZ); INSERT INTO ends VALUES {ends}")
        connection.execute(f"""CREATE TABLE contacts AS
            SELECT c.* REPLACE (coalesce(strftime(a.active - INTERVAL 1 HOUR, '%Y-%m-%dT%H:%M:%SZ'), c.last_activity_at)
                                AS last_activity_at)
            FROM read_parquet('{files["contacts"]}') AS c
            LEFT JOIN (SELECT contact_id, max(e.ended) AS active FROM read_parquet('{files["contacts"]}'), ends AS e
                       WHERE hash(contact_id, e.night, 'active') % 100 < {ACTIVE_AGAIN_PERCENT} GROUP BY 1) AS a
                USING (contact_id)""")
        connection.execute(f"""CREATE TABLE consents AS
            SELECT * FROM read_parquet('{files["consents"]}')
            UNION ALL
            SELECT 'late_' || e.night || '_' || md5(c.contact_id), c.contact_id, 'marketing', 'opt_in', 'web_form',
                   strftime(e.ended - INTERVAL 30 DAY, '%Y-%m-%dT%H:%M:%SZ'), 'privacy-2025.2', 'web'
            FROM read_parquet('{files["contacts"]}') AS c, ends AS e
            WHERE hash(c.contact_id, e.night, 'late') % 1000 < {LATE_CONSENT_PER_MILLE}""")
        since = nights_end[night - 1].isoformat()
        connection.execute(f"""CREATE TABLE messages AS SELECT * FROM read_parquet('{files["messages"]}')
                               WHERE CAST(sent_at AS TIMESTAMPTZ) >= TIMESTAMPTZ '{since}'""")
        connection.execute(f"""CREATE TABLE inbound AS SELECT * FROM read_parquet('{files["inbound"]}')
                               WHERE CAST(received_at AS TIMESTAMPTZ) >= TIMESTAMPTZ '{since}'""")
        for table, path in files.items():
            connection.execute(f"COPY {table} TO '{path}' (FORMAT parquet)")
    rows = {table: connection.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]
            for table, path in files.items()}
    connection.close()
    return rows


def audit_verify_seconds(warehouse: Path) -> float | None:
    """`listwarden audit verify` of the whole trail, timed (None if it does not verify)."""
    started = time.perf_counter()
    verified = subprocess.run([str(realistic.LISTWARDEN), "audit", "verify", "--warehouse", str(warehouse)],
                              cwd=realistic.ROOT, capture_output=True, check=False).returncode == 0
    return time.perf_counter() - started if verified else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--nights", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=date.fromisoformat, default=datetime.now(timezone.utc).date(),
                        help="the day the last night's data ends (00:00 UTC); default today (UTC)")
    arguments = parser.parse_args()

    scratch = scratch_directory("nightly-scale")
    os.environ.setdefault("PREFECT_HOME", str(scratch / "prefect"))
    warehouse, reports = scratch / "warehouse.duckdb", scratch / "reports"
    first_day = arguments.as_of - timedelta(days=arguments.nights - 1)
    nights_end = [datetime(first_day.year, first_day.month, first_day.day, tzinfo=timezone.utc) + timedelta(days=k)
                  for k in range(arguments.nights)]
    print(f"scratch {scratch}; night 0 ends {nights_end[0]:%Y-%m-%d}, night {arguments.nights - 1} ends "
          f"{nights_end[-1]:%Y-%m-%d} (00:00 UTC)", flush=True)

    table = []
    for night in range(arguments.nights):
        source = scratch / f"source-night-{night}"
        started = time.perf_counter()
        realistic.generate(source, arguments.contacts, arguments.messages, night, arguments.seed, first_day)
        rows = deliver(source, night, nights_end)
        parquet_mib = sum(path.stat().st_size for path in source.glob("*.parquet")) / 2**20
        print(f"\nnight {night}: delivery made in {time.perf_counter() - started:.0f} s ({parquet_mib:,.0f} MiB "
              "Parquet): " + ", ".join(f"{name} {count:,}" for name, count in rows.items()), flush=True)
        last = night == arguments.nights - 1
        if last:
            shutil.copy(warehouse, scratch / "warehouse-full.duckdb")
        entry = realistic.run_nightly(source, warehouse, reports, scratch / f"night-{night}.log")
        entry.update(realistic.inspect(warehouse, entry["started_at"]))
        scope = next((detail for step, _, detail in entry.get("steps", []) if step == "scope"), "{}")
        print(f"night {night}: exit {entry['exit']} in {entry['seconds']:.0f} s, peak {entry['peak_mib']:,.0f} MiB; "
              f"scope {scope}", flush=True)
        for line in entry["stderr_tail"]:
            print(f"    stderr: {line}")
        for check, count in entry.get("repeated", {}).items():
            print(f"    REPEATED: {check} wrote {count:,} findings more than once")
        for step, seconds, _ in entry.get("steps", []):
            print(f"    step {step:28} {seconds:>7.1f} s")
        entry["verify_s"] = audit_verify_seconds(warehouse)
        table.append((night, entry, parquet_mib))
        if last:
            realistic.compare_full(source, warehouse, entry, scratch)
        shutil.rmtree(source)

    print(f"\n{arguments.contacts:,} contacts, {arguments.messages:,} messages, seed {arguments.seed}\n")
    print("| night | exit | seconds | peak MiB | delivered Parquet MiB | open findings | new | closed | warehouse MiB "
          "| audit verify s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for night, entry, parquet_mib in table:
        verify = "not verified" if entry["verify_s"] is None else f"{entry['verify_s']:.0f}"
        print(f"| {night} | {entry['exit']} | {entry['seconds']:.0f} | {entry['peak_mib']:,.0f} | {parquet_mib:,.0f} | "
              f"{sum(entry['findings'].values()):,} | {entry['new'] or 0:,} | {entry['closed'] or 0:,} | "
              f"{entry['warehouse_mib']:,.0f} | {verify} |")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

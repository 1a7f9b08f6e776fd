"""Every message check on generated data in Parquet, with a naive pandas baseline.

    .venv/bin/python benchmarks/compliance.py --contacts 2000000 --messages 20000000

Generates contacts, consents, messages and inbound replies as Parquet (DuckDB, in seconds), puts
`staging` views over the files, fills the parse cache as the accuracy job would (not timed), then
times the optouts classification and the compliance job: preparing the shared facts, every check,
and the sendable audience. DuckDB runs under the warehouse's memory limit and spills beyond it.
The baseline does consent at send, quiet hours and the content checks with pandas `merge` +
`apply` on a slice of 1 million messages, in the same process.
Run on demand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from peak_memory import PeakMemory
from scratch import DEFAULT_POLICY, scratch_directory

# (region, calling code, national prefix digits, time zones of its mobiles, hours from UTC used
# to send at about 10:00-18:00 local); ten buckets of contacts.
COUNTRIES = [
    ("US", "1", "201555", ["America/New_York"], -5), ("US", "1", "415555", ["America/Los_Angeles"], -8),
    ("GB", "44", "7400", ["Europe/London"], 0), ("DE", "49", "15123", ["Europe/Berlin"], 1),
    ("FR", "33", "612", ["Europe/Paris"], 1), ("ES", "34", "612", ["Atlantic/Canary", "Europe/Madrid"], 1),
    ("BR", "55", "1196", ["America/Sao_Paulo"], -3), ("IN", "91", "8123", ["Asia/Calcutta"], 5),
    ("AU", "61", "412", ["Australia/Adelaide", "Australia/Brisbane", "Australia/Perth", "Australia/Sydney"], 9),
    ("MX", "52", "2221", ["America/Mexico_City"], -6),
]
# The first four bodies are compliant and make up 99% of messages; the rest break a content rule.
BODIES = [
    "Acme: 20% off everything this weekend. Reply STOP to opt out",
    "Acme news: new arrivals are here. Reply STOP to opt out",
    "Acme : -20% ce week-end. Répondez ARRET pour ne plus recevoir de SMS",
    "Acme: 2x1 en toda la tienda hoy. Responde BAJA para no recibir más",
    "Flash sale today only! Reply STOP to opt out",
    "Acme: new arrivals are in store now.",
    "Acme: " + "Our biggest sale of the year starts today in every store. " * 8 + "Reply STOP to opt out",
    "Acme: скидка 15% на всё до воскресенья. Ответьте СТОП для отписки",
]
BASELINE_MESSAGES = 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=10_000_000)
    arguments = parser.parse_args()
    scratch = scratch_directory("compliance")

    from timing import TimedRunner

    from listwarden import jobs, runs, settings, warehouse
    from listwarden.policy import read_policy

    policy, policy_sha256 = read_policy(DEFAULT_POLICY)
    data = scratch / "data"
    started = time.perf_counter()
    write_parquet(data, arguments.contacts, arguments.messages)
    print(f"generated {arguments.contacts:,} contacts and {arguments.messages:,} messages as Parquet "
          f"in {time.perf_counter() - started:.0f} s", flush=True)

    runner = TimedRunner(scratch / "warehouse.duckdb", with_gates=False)
    try:
        connection = runner.connect()
        runs.begin(connection, "benchmark", "benchmark", {}, policy, policy_sha256)
        stage_parquet(connection, data)
        runs.replace_work_table(connection, "contacts", "accuracy/contacts", {})
        with PeakMemory() as peak:
            for job in (jobs.OPTOUTS, jobs.COMPLIANCE):
                runner.run_job(job, jobs.Arguments(policy=policy))
        findings = dict(warehouse.execute(connection, 'SELECT "check", count(*) FROM work.violations GROUP BY 1',
                                          "findings").fetchall())
    finally:
        runner.close()
    timings = {name: seconds for name, seconds, _ in runner.timings}
    baseline_messages, baseline_seconds = naive_baseline(data)

    total = sum(timings.values())
    messages = arguments.messages
    print("\n| step | seconds | rows/s |\n|---|---:|---:|")
    for name, seconds in timings.items():
        rows = messages // 100 if name.startswith("optouts") else messages  # inbound replies, else messages
        print(f"| {name} | {seconds:.1f} | {rows / seconds:,.0f} |")
    print(f"| all of the above | {total:.1f} | {messages / total:,.0f} messages/s |")
    print(f"| naive pandas merge + apply ({baseline_messages:,}-message slice) | {baseline_seconds:.1f} | "
          f"{baseline_messages / baseline_seconds:,.0f} |")
    print(f"\npeak memory (process and children): {peak.mib:,.0f} MiB; DuckDB memory_limit "
          f"{settings.current().memory_limit}; findings: {findings}")


def write_parquet(directory: Path, contacts: int, messages: int) -> None:
    import duckdb

    directory.mkdir(parents=True)
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    countries = ", ".join(f"('{r}', '{cc}', '{prefix}', {zones}, {offset})" for r, cc, prefix, zones, offset in COUNTRIES)
    connection.execute(f"CREATE TABLE countries AS SELECT row_number() OVER () - 1 AS k, * FROM (VALUES {countries}) "
                       "t(region, cc, prefix, zones, utc_offset)")
    connection.execute("CREATE TABLE bodies AS SELECT row_number() OVER () - 1 AS k, body FROM (SELECT unnest($b) AS body)",
                       {"b": BODIES})
    phone = "'+' || k.cc || k.prefix || lpad(CAST(i AS VARCHAR), 7, '0')"
    connection.execute(f"""COPY (
        SELECT 'c' || i AS contact_id, {phone} AS phone, k.region AS country,
               TIMESTAMPTZ '2024-01-01' + to_seconds(hash(i) % 31536000) AS created_at, NULL::TIMESTAMPTZ AS last_activity_at
        FROM range({contacts}) t(i) JOIN countries k ON k.k = i % 10
    ) TO '{directory}/contacts.parquet'""")
    connection.execute(f"""COPY (
        SELECT 'e' || i || a AS event_id, 'c' || i AS contact_id,
               CASE WHEN i % 97 = 0 THEN 'marketing.newsletter' ELSE 'marketing' END AS purpose,
               CASE a WHEN 0 THEN 'opt_in' ELSE 'opt_out' END AS action, 'web_form' AS method,
               TIMESTAMPTZ '2024-01-01' + to_seconds(hash(i) % 31536000 + 3600 + a * 880 * 86400) AS occurred_at,
               CASE WHEN i % 50 = 0 THEN NULL ELSE 'v1' END AS notice_version, 'crm' AS source
        FROM range({contacts}) t(i), range(2) s(a)
        WHERE i % 200 <> 9 AND (a = 0 OR i % 20 = 3)
    ) TO '{directory}/consents.parquet'""")
    connection.execute(f"""COPY (
        SELECT 'm' || j AS message_id, 'c' || i AS contact_id, {phone} AS to_phone,
               CASE WHEN j % 10 < 7 THEN 'marketing.offers' WHEN j % 10 < 9 THEN 'marketing.newsletter'
                    ELSE 'account.security' END AS purpose,
               'cmp' || (j % 97) AS campaign_id, 'Acme' AS sender_id, b.body,
               CASE WHEN j % 200 = 0  -- 0.5% at any hour
                    THEN TIMESTAMPTZ '2025-06-01' + to_seconds(hash(j) % 31536000)
                    ELSE TIMESTAMPTZ '2025-06-01' + to_days(CAST(hash(j) % 365 AS BIGINT))
                         + to_minutes(CAST((10 - k.utc_offset) * 60 + hash(j + 3) % 480 AS BIGINT))
               END AS sent_at
        FROM (SELECT j, hash(j * 7 + 1) % {contacts} AS i,
                     CASE WHEN hash(j + 11) % 100 < 99 THEN hash(j) % 4 ELSE 4 + hash(j) % {len(BODIES) - 4} END AS body_k
              FROM range({messages}) t(j))
        JOIN countries k ON k.k = i % 10
        JOIN bodies b ON b.k = body_k
    ) TO '{directory}/messages.parquet'""")
    connection.execute(f"""COPY (
        SELECT 'in' || j AS inbound_id, {phone} AS from_phone,
               ['STOP', 'HELP', 'Thanks!', 'can you stop by the store at 5?', 'Arrêt', 'info'][CAST(1 + hash(j) % 6 AS BIGINT)] AS body,
               TIMESTAMPTZ '2025-06-01' + to_seconds(hash(j + 1) % 31536000) AS received_at
        FROM (SELECT j, hash(j * 13 + 5) % {contacts} AS i FROM range({messages // 100}) t(j))
        JOIN countries k ON k.k = i % 10
    ) TO '{directory}/inbound.parquet'""")
    connection.execute(f"COPY (SELECT NULL::VARCHAR AS phone, NULL::TIMESTAMPTZ AS deactivated_at LIMIT 0) "
                       f"TO '{directory}/deactivations.parquet'")
    connection.execute(f"COPY (SELECT phone, country, k.zones FROM read_parquet('{directory}/contacts.parquet') c "
                       f"JOIN countries k ON k.region = c.country AND starts_with(c.phone, '+' || k.cc || k.prefix)) "
                       f"TO '{directory}/numbers.parquet'")


def stage_parquet(connection, directory: Path) -> None:
    """staging.* as views over the files; the parse cache as the accuracy job leaves it."""
    from listwarden import phones

    for table in ("contacts", "consents", "messages", "inbound", "deactivations"):
        connection.execute(f"DROP TABLE IF EXISTS staging.{table}")
        connection.execute(f"CREATE OR REPLACE VIEW staging.{table} AS SELECT * FROM read_parquet('{directory}/{table}.parquet')")
    connection.execute("DELETE FROM cache.numbers")
    connection.execute(f"""INSERT INTO cache.numbers
        SELECT phone, country, phone, true, 'MOBILE', country, zones, phone[2:], sha256(phone), $version
        FROM read_parquet('{directory}/numbers.parquet')
        UNION ALL
        SELECT phone, NULL, phone, true, 'MOBILE', country, zones, phone[2:], sha256(phone), $version
        FROM read_parquet('{directory}/numbers.parquet')""", {"version": phones.PARSER_VERSION})


def naive_baseline(directory: Path) -> tuple[int, float]:
    """Consent at send, quiet hours and content, the way a pandas script does it."""
    from datetime import time as clock
    from zoneinfo import ZoneInfo

    import pandas as pd

    messages = pd.read_parquet(directory / "messages.parquet").head(BASELINE_MESSAGES)
    consents = pd.read_parquet(directory / "consents.parquet")
    zones = {region: z for region, _, _, z, _ in COUNTRIES}
    started = time.perf_counter()
    merged = messages.merge(consents, on="contact_id", how="left", suffixes=("", "_event"))

    def covers(row) -> bool:
        event = row["purpose_event"]
        return isinstance(event, str) and row["occurred_at"] <= row["sent_at"] and (
            row["purpose"] == event or row["purpose"].startswith(event + "."))

    merged["covers"] = merged.apply(covers, axis=1)
    latest = merged[merged["covers"]].sort_values("occurred_at").groupby("message_id").last()
    state = messages.merge(latest[["action"]], left_on="message_id", right_index=True, how="left")

    def check(row) -> list[str]:
        found = []
        if row["purpose"] == "account.security":
            return found
        if row["action"] != "opt_in":
            found.append("consent")
        region = "US" if row["to_phone"].startswith("+1") else None
        for zone in zones.get(region, ["Europe/London"]):
            local = row["sent_at"].astimezone(ZoneInfo(zone)).time()
            if local < clock(8) or local > clock(21):
                found.append("quiet_hours")
        if "acme" not in row["body"].lower():
            found.append("missing_sender_id")
        if "stop" not in row["body"].lower():
            found.append("missing_opt_out_instruction")
        return found

    state["findings"] = state.apply(check, axis=1)
    return len(messages), time.perf_counter() - started


if __name__ == "__main__":
    main()

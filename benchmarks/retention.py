"""Retention on a published warehouse: plan, gate, apply, then compaction and verification.

    .venv/bin/python benchmarks/retention.py --contacts 1000000 --messages 20000000

Builds (not timed) an encrypted warehouse as a nightly run leaves it: staging tables, normalised
contacts, consent state, the sendable audience, classified inbound replies, the parse cache and a
previous run's findings. About 5% of contacts are due (2% never opted in, 2% withdrew 40 days
ago, 1% inactive for 800 days: no reply or consent since) and take their messages with them; about 1.3% of inbound replies
are older than 730 days. Then times each phase of a retention run under the warehouse's memory
limit. Run on demand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import time

from peak_memory import PeakMemory
from scratch import DEFAULT_POLICY, scratch_directory

PHONE = "'+447' || lpad(CAST(i AS VARCHAR), 9, '0')"
BUILD = {
    "staging.contacts": f"""
        SELECT 'c' || i AS contact_id, {PHONE} AS phone, 'GB' AS country,
               now() - to_days(CAST(CASE WHEN i % 100 = 7 THEN 900 ELSE 100 + hash(i) % 600 END AS INTEGER)) AS created_at,
               now() - to_days(CAST(CASE WHEN i % 100 = 7 THEN 800 ELSE hash(i + 1) % 300 END AS INTEGER)) AS last_activity_at
        FROM range($contacts) t(i)""",
    "staging.consents": """
        SELECT 'e' || i || '-' || a AS event_id, 'c' || i AS contact_id, 'marketing' AS purpose,
               CASE a WHEN 0 THEN 'opt_in' ELSE 'opt_out' END AS action, 'web_form' AS method,
               now() - to_days(CASE WHEN a = 0 AND i % 100 = 7 THEN 850 WHEN a = 0 THEN 95
                                    WHEN a = 1 THEN 40 ELSE 10 END) AS occurred_at,
               'v1' AS notice_version, 'crm' AS source
        FROM range($contacts) t(i), range(3) s(a)
        WHERE i % 100 NOT IN (3, 4) AND (a = 0 OR (a = 1 AND i % 100 IN (5, 6)) OR (a = 2 AND i % 100 = 8))""",
    "staging.messages": f"""
        SELECT 'm' || j AS message_id, 'c' || i AS contact_id, {PHONE} AS to_phone, 'marketing.offers' AS purpose,
               'cmp' || (j % 97) AS campaign_id, 'Acme' AS sender_id,
               'Acme: 20% off everything this weekend. Reply STOP to opt out' AS body,
               now() - to_minutes(CAST(hash(j + 7) % (700 * 1440) AS INTEGER)) AS sent_at
        FROM (SELECT j, hash(j) % $contacts AS i FROM range($messages) t(j))""",
    "staging.inbound": f"""
        SELECT 'in' || j AS inbound_id, {PHONE} AS from_phone, 'Thanks!' AS body,
               now() - to_minutes(CAST(hash(j + 3) % (740 * 1440) AS INTEGER)) AS received_at
        FROM (SELECT j, hash(j * 13 + 5) % $contacts AS i FROM range($messages // 100) t(j))""",
    "staging.deactivations": "SELECT NULL::VARCHAR AS phone, NULL::TIMESTAMPTZ AS deactivated_at LIMIT 0",
    "core.contacts": """
        SELECT contact_id, country, created_at, last_activity_at, phone AS e164, true AS is_valid,
               'MOBILE' AS line_type, 'GB' AS region, ['Europe/London'] AS time_zones, sha256(phone) AS subject
        FROM staging.contacts""",
    "core.consent_state": """
        SELECT contact_id, purpose, arg_max(action, occurred_at) AS state, max(occurred_at) AS since
        FROM staging.consents GROUP BY contact_id, purpose""",
    "core.sendable": """
        SELECT 'marketing.offers' AS purpose, s.contact_id, c.e164, c.subject
        FROM core.consent_state AS s JOIN core.contacts AS c USING (contact_id) WHERE s.state = 'opt_in'""",
    "core.inbound": """
        SELECT inbound_id, from_phone AS e164, sha256(from_phone) AS subject, received_at, 'other' AS kind, 'none' AS rule
        FROM staging.inbound""",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=20_000_000)
    arguments = parser.parse_args()
    scratch = scratch_directory("retention")

    from timing import TimedRunner

    from listwarden import audit, jobs, phones, settings, warehouse
    from listwarden.policy import read_policy
    from listwarden.warehouse import open_warehouse

    policy, policy_sha256 = read_policy(DEFAULT_POLICY)
    path, reports = scratch / "warehouse.duckdb", scratch / "reports"
    started = time.perf_counter()
    sizes = {"contacts": arguments.contacts, "messages": arguments.messages}
    with open_warehouse(path) as connection:
        for table, select in BUILD.items():
            warehouse.execute(connection, f"CREATE OR REPLACE TABLE {table} AS {select}", table, sizes)
        connection.execute("""INSERT INTO cache.numbers
            SELECT phone, region, phone, true, 'MOBILE', 'GB', ['Europe/London'], phone[4:], sha256(phone), $version
            FROM staging.contacts, (VALUES ('GB'), (NULL)) AS r(region)""", {"version": phones.PARSER_VERSION})
        connection.execute("""INSERT INTO audit.violations BY NAME
            SELECT 'previous' AS run_id, 'frequency_cap' AS "check", 'medium' AS severity, 'messages' AS record_table,
                   message_id AS record_id, sha256(to_phone) AS subject, 'a finding' AS detail, 'policy' AS rule
            FROM staging.messages USING SAMPLE 3%""")
        audit.seal(connection)  # the earlier run sealed its findings when it published them
        counts = {table: warehouse.count_rows(connection, *table.split(".")) for table in BUILD}
    size = path.stat().st_size / 2**20
    print(f"built the warehouse in {time.perf_counter() - started:.0f} s ({size:,.0f} MiB): {counts}", flush=True)

    runner = TimedRunner(path, reports)
    with PeakMemory() as peak:
        try:
            with jobs.life(runner, "benchmark", "retention", {}, policy, policy_sha256):
                runner.run_job(jobs.RETENTION, jobs.Arguments(policy=policy))
        finally:
            runner.close()
    timings = {name: seconds for name, seconds, _ in runner.timings}
    print("\n| phase | seconds |\n|---|---:|")
    for name, seconds in timings.items():
        print(f"| {name} | {seconds:.1f} |")
    print(f"| all | {sum(timings.values()):.1f} |")
    with open_warehouse(path) as connection:
        applied = connection.execute("SELECT table_name, sum(rows) FROM audit.deletions WHERE phase = 'apply' "
                                     "GROUP BY ALL ORDER BY ALL").fetchall()
    print(f"\ndeleted: {dict(applied)}")
    print(f"file: {size:,.0f} MiB before, {path.stat().st_size / 2**20:,.0f} MiB after compaction")
    print(f"peak memory (process and children): {peak.mib:,.0f} MiB; DuckDB memory_limit {settings.current().memory_limit}")


if __name__ == "__main__":
    main()

"""The real nightly command, several nights in a row, on a realistic list it did not design.

    .venv/bin/python benchmarks/realistic.py --contacts 1000000 --messages 10000000 --nights 3
    .venv/bin/python benchmarks/realistic.py --contacts 20000 --messages 200000 --nights 2  # a few minutes
    .venv/bin/python benchmarks/realistic.py --contacts 20000 --messages 200000 --nights 3 --compare-full

The generator (`generate`, DuckDB SQL only: `range()`, `hash()`, `COPY ... (FORMAT parquet)`; no
Python loop over rows) writes the five contract tables as Parquet, every column VARCHAR, the way an
export from somebody else's CRM and SMS platform looks:

- numbers of 14 countries in real mobile ranges (phonenumbers: MOBILE, or FIXED_LINE_OR_MOBILE for
  US and MX), 2% invalid (a digit short or extra, or junk such as "N/A") and 1% fixed-line or
  toll-free; a quarter of the distinct numbers held by 2-3 contacts, each typing it differently
  (E.164, spaced, dashed or "(415) 555-2671", "0044 ...", "+44 (0)7400 ...", national with the
  country hint, digits without "+", and, on some, national without a hint: invalid, as in life);
  the country column sometimes empty, NULL, lower case, padded or naming another country;
- contacts created over the 3 years before the as-of day, more of them lately (the list grew),
  created_at written with the offset of the number's country ("+05:30" included);
  last_activity_at on about half of them (more often on older ones);
- consents, about 1.2 per contact: opt-ins to marketing, marketing.offers, marketing.newsletter or
  service.updates with method and notice version (3% without one of them), 6% of contacts opting
  out later (two fifths of them 20-60 days ago), 3% with no consent at all (mostly the second or
  third holder of a shared number, so that contacts retention deletes share their number with
  contacts it keeps), and the opt-outs the SMS platform recorded for STOP replies (most within
  minutes, some days late, some never);
- messages over the 60 days before the as-of day, uniformly at every hour of the UTC day, about
  60% of them marketing, from 33 templates in 9 languages (some without the sender, some without
  an opt-out instruction the default policy knows, a few longer than 3 segments, some UCS-2); the
  sender mostly (90%) stops marketing to a number after its STOP reply or recorded opt-out;
  to_phone typed differently from the contact's phone in 30% of rows; 0.5% to numbers no contact
  holds, 0.5% logged under another holder of the number; bursts of 4 messages within 3 hours
  (3% of messages) for frequency_cap and duplicate_send; answers to most HELP replies;
- inbound replies to 2% of messages (a quarter of them STOP in its spellings, ARRET, Baja, СТОП;
  phrases, "Stop please", HELP, chatter), from_phone typed in the forms above (national ones cannot be matched without a
  country), 5% from numbers no contact holds;
- deactivations of 0.3% of the distinct numbers within the 60 days (a tenth without "+").

At 1,000,000 contacts and 10,000,000 messages the first night should find about 4 million
things (most of them quiet_hours) and retention should delete about 17% of the contacts
(inactive, withdrawn, no_opt_in), a third of them holding a number a kept contact holds too.
Rows come out in no particular order (COPY writes in parallel); the same seed, night and as-of
day give the same rows.

**Nights and the clock.** Night k is the same list one day later: one more day of messages
(1/60 more) and of replies, the recorded opt-outs of those replies, a few hundred new contacts
with their opt-ins; every earlier row unchanged, with the same id. `generate(as_of=D)` ends
night 0's data at D 00:00 UTC (exclusive) and night k's k days later. The nightly job compares
against the real clock, and every night of this benchmark runs today, so the runner lets the
*last* night end at `--as-of` 00:00 UTC (default: today, UTC) and night k at
as-of - (nights - 1 - k) days: no night's data lies in the future, and the last night's ends just
before the run, as a 02:30 nightly run's would. The clock does not move between the runs, so the
retention deadlines do not move either: what changes from night to night is the data (and
contacts retention deleted come back from the source, to be deleted again).

The runner generates each night into its own directory and runs
`.venv/bin/listwarden run nightly --source DIR --warehouse W --reports R --allow-large-deletion`
as a subprocess from the project root (one warehouse across the nights, fresh random warehouse
and subject keys, Prefect's home in the scratch directory unless PREFECT_HOME is set), stdout to
night-K.log and stderr to night-K.err.log. Per night: wall seconds, peak resident memory of the
whole process tree (VmRSS summed over the command and all its descendants, sampled from /proc
every 0.2 s), exit code, the last stderr lines when it fails, then, from the warehouse opened
read-only, the run's findings per check, rows deleted, the time of each step and the file size. With
`--compare-full` the last night runs a second time, with `--full`, on a copy of the warehouse as it
was before that night, and the findings open after each are compared. Run on demand; never
part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from peak_memory import PeakMemory
from scratch import scratch_directory

ROOT = Path(__file__).resolve().parent.parent
LISTWARDEN = ROOT / ".venv" / "bin" / "listwarden"
DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000
WINDOW_DAYS = 60

# Number patterns: region, calling code, kind, weight (mobile weights add up to 1000), leading
# digits of the national significant number (one is drawn), random digits after them, group
# lengths for printing (the last group takes the rest), national prefix, national style
# (space, paren: "(415) 555-2671", dash: "090-1234-5678"), the prefix that dials out from there,
# and the UTC offset (minutes) the CRM writes created_at with. Every pattern was checked with
# phonenumbers 9: all MOBILE or FIXED_LINE_OR_MOBILE (US, MX); the "other" ones FIXED_LINE or
# TOLL_FREE.
_US_AREAS = ["201", "415", "646", "312", "713", "305", "917", "818", "404", "617"]
PATTERNS = [
    ("US", "1", "mobile", 200, [a + x for a in _US_AREAS for x in "23456789"], 6, [3, 3, 4], "1", "paren", "011", -300),
    ("GB", "44", "mobile", 130, ["74", "75", "78"], 8, [4, 6], "0", "space", "00", 0),
    ("DE", "49", "mobile", 90, ["151", "152", "157", "159", "160", "162", "163"] + [f"17{x}" for x in range(10)],
     8, [3, 8], "0", "space", "00", 60),
    ("FR", "33", "mobile", 80, ["60", "61", "62", "64", "65", "66", "67", "68", "73", "75", "76", "77", "78"],
     7, [1, 2, 2, 2, 2], "0", "space", "00", 60),
    ("ES", "34", "mobile", 60, ["6"], 8, [3, 3, 3], "", "space", "00", 60),
    ("BR", "55", "mobile", 70, ["119", "219"], 8, [2, 5, 4], "", "paren", "0021", -180),
    ("IN", "91", "mobile", 60, ["9"], 9, [5, 5], "0", "space", "00", 330),
    ("IN", "91", "mobile", 20, ["70"], 8, [5, 5], "0", "space", "00", 330),
    ("AU", "61", "mobile", 50, ["40", "41", "42", "43", "46"], 7, [3, 3, 3], "0", "space", "0011", 600),
    ("MX", "52", "mobile", 50, ["55", "33", "81"], 8, [2, 4, 4], "", "space", "00", -360),
    ("NG", "234", "mobile", 40, ["803", "806", "813", "816", "703", "706", "810", "905"], 7, [3, 3, 4], "0", "space",
     "009", 60),
    ("ZA", "27", "mobile", 35, ["82", "83", "84", "72", "73", "76", "79"], 7, [2, 3, 4], "0", "space", "00", 120),
    ("JP", "81", "mobile", 40, [f"{a}0{x}" for a in "987" for x in "1235789"], 7, [2, 4, 4], "0", "dash", "010", 540),
    ("IT", "39", "mobile", 45, ["320", "328", "329", "333", "335", "338", "339", "340", "345", "347", "348", "349",
                                "366", "380", "388", "389", "392", "393"], 7, [3, 3, 4], "", "space", "00", 60),
    ("KE", "254", "mobile", 30, ["70", "71", "72", "74", "75", "79"], 7, [3, 6], "0", "space", "000", 180),
    ("GB", "44", "other", 20, ["207", "208", "203", "161"], 7, [3, 3, 4], "0", "space", "00", 0),
    ("US", "1", "other", 20, [a + x for a in ("800", "888", "877", "866") for x in "23456789"], 6, [3, 3, 4], "1",
     "paren", "011", -300),
    ("DE", "49", "other", 10, ["30"], 8, [2, 8], "0", "space", "00", 60),
    ("FR", "33", "other", 6, ["1"], 8, [1, 2, 2, 2, 2], "0", "space", "00", 60),
    ("FR", "33", "other", 4, ["800"], 6, [3, 2, 2, 2], "0", "space", "00", 60),
    ("AU", "61", "other", 10, ["1800"], 6, [4, 3, 3], "", "space", "0011", 600),
    ("ES", "34", "other", 10, ["91"], 7, [2, 3, 2, 2], "", "space", "00", 60),
    ("IN", "91", "other", 10, ["1800"], 7, [4, 3, 4], "", "space", "00", 330),
]
JUNK = ["N/A", "n/a", "none", "0", "123", "0000000000", "1234567890", "-", "?", "unknown", "555-1234", "tel",
        "+", "no phone", "000-000-0000"]

# How contacts type their number. Forms: 0 E.164, 1 international spaced, 2 international dashed
# (US: "+1 (415) 555-2671"), 3 "00" + code (US: "1-415-555-2671"; where 00 does not dial out: 1),
# 4 national with the country hint, 5 national without it, 6 digits without "+", 7 "+44 (0)7400 ..."
# (where the national prefix is 0; elsewhere "(+34) 612 ..."). Singles draw from SINGLE_FORMS (percent);
# holders of a shared number take distinct forms of SHARED_FORMS.
SINGLE_FORMS = [0] * 35 + [1] * 20 + [2] * 8 + [3] * 7 + [4] * 20 + [5] * 3 + [6] * 5 + [7] * 2
SHARED_FORMS = [0, 1, 4, 3, 2, 6, 7]
# A block of 11 contacts holds 8 numbers: six singles, a pair and a triple (a quarter shared).
BLOCK_NUMBER = [0, 1, 2, 3, 4, 5, 6, 6, 7, 7, 7]
BLOCK_MEMBER = [0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 2]
BLOCK_HOLDERS = [1, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3]

_LONG = ("Acme: our biggest sale of the year starts today in every store and online. Thousands of "
         "products are reduced by up to 60%, including furniture, garden tools, kitchenware, bedding, "
         "lighting and much more. Members get early access from 8am and free delivery on every order "
         "over $30, plus double points until Sunday. Visit acme.example/sale to see every deal, find "
         "your nearest store and check opening hours, or download the Acme app to scan prices in store. "
         "Offer ends Sunday at midnight, while stocks last. Reply STOP to opt out")
_LONG_UCS2 = ("Acme: 🎉 Grande liquidation d'été ! Jusqu'à -60 % sur des milliers d'articles en magasin et "
              "sur acme.example, livraison offerte dès 30 €, points fidélité doublés jusqu'à dimanche. "
              "Les membres profitent d'un accès anticipé dès 8 h. Répondez ARRÊT pour ne plus recevoir de SMS")
# (weight, body): marketing bodies go with marketing purposes, service bodies with the others.
MARKETING_BODIES = [
    (120, "Acme: 20% off everything this weekend with code WKND20. Shop acme.example/sale Reply STOP to opt out"),
    (90, "Acme: your exclusive offer ends tonight at midnight! acme.example/o/{code} Reply STOP to opt out"),
    (80, "Acme Store: new arrivals just landed. See them first at acme.example/new Text STOP to unsubscribe"),
    (70, "Hi from Acme! Free shipping on all orders over $50 until Sunday. STOP to opt out"),
    (60, "Acme: your points balance expires soon. Redeem at acme.example/points Reply STOP to opt out"),
    (50, "Acme Newsletter – this month's top picks → acme.example/picks Reply STOP to opt out"),
    (50, "Acme: Flash sale! 🔥 50% off selected items for 24 hours only. Reply STOP to opt out"),
    (40, "ACME: Black Friday starts NOW. Up to 70% off in store & online. Reply STOP to opt out"),
    (60, "Acme : -20% sur tout le magasin ce week-end ! Répondez ARRET pour vous désabonner"),
    (6, "Acme : nouvelle collection disponible en boutique et sur acme.example. STOP au 36180"),
    (30, "Acme : vos points fidélité expirent bientôt, profitez-en ! Répondez ARRÊT pour ne plus recevoir de SMS"),
    (50, "Acme: 2x1 en toda la tienda solo hoy. Responde BAJA para no recibir más mensajes"),
    (25, "Acme: ¡Rebajas de verano! Hasta 50% de descuento en acme.example. Envía BAJA al 217890"),
    (6, "Acme: Nur heute 25% Rabatt auf alles! Abmelden: Antwort STOP"),
    (6, "Acme: Ofertas imperdíveis só hoje na acme.example! Responda SAIR para cancelar"),
    (20, "Acme: скидка 15% на всё до воскресенья. Ответьте СТОП для отписки"),
    (4, "Acme：週末限定セール開催中！配信停止はSTOPと返信してください"),
    (5, "Acme: saldi fino al 50% in tutti i negozi. Rispondi STOP per annullare l'iscrizione"),
    (15, "Acme：会员专享8折优惠，回复退订取消"),
    (15, "Acme Store: your cart misses you! Complete your order today and get 10% off. Reply STOP to opt out"),
    (10, "Acme: it's your birthday month! 🎁 A gift is waiting for you in store. Reply STOP to opt out"),
    (10, "Flash sale today only! 30% off sitewide at shop.example. Reply STOP to opt out"),
    (6, "Don't miss out: new styles added daily at shop.example. Text STOP to unsubscribe"),
    (7, "Acme: thanks for being a loyal customer! Here's 10% off your next order: THANKS10"),
    (4, "Last chance!!! Everything must go. Visit us today."),
    (4, _LONG),
    (2, _LONG_UCS2),
]
SERVICE_BODIES = [
    (35, "Acme: your order #{order} has shipped and will arrive on Thursday. Track it at acme.example/t/{order}"),
    (25, "Acme: your verification code is {code}. Do not share it with anyone."),
    (15, "Acme: your appointment is confirmed for tomorrow at 10:30. Reply C to cancel."),
    (10, "Your Acme password was changed. If this wasn't you, contact support at acme.example/help"),
    (10, "Acme : votre commande n°{order} est prête à être retirée en magasin."),
    (5, "Acme: su pedido {order} ha sido entregado. ¡Gracias por su compra!"),
]
HELP_ANSWER = ("Acme: for help visit acme.example/help or reply with your question. Msg&data rates may apply. "
               "Reply STOP to opt out")
# (weight, body, category): x exact opt-out keyword, p opt-out phrase, u unclear, h help, y opt-in
# keyword, o other. Weights add up to 1000.
REPLIES = [
    (100, "STOP", "x"), (40, "stop", "x"), (20, "Stop", "x"), (15, "STOP!!!", "x"), (10, "Stop.", "x"),
    (15, "unsubscribe", "x"), (5, "Unsubscribe", "x"), (8, "ARRET", "x"), (5, "Arrêt", "x"), (8, "Baja", "x"),
    (3, "BAJA", "x"), (5, "СТОП", "x"), (3, "стоп", "x"),
    (10, "remove me from your list", "p"), (10, "Please stop texting me", "p"), (5, "stop texting me!!", "p"),
    (15, "Stop please", "u"), (10, "can you stop by the store?", "u"), (5, "don't stop texting me, love the deals", "u"),
    (5, "Will the sale stop on Sunday?", "u"),
    (50, "HELP", "h"), (20, "help", "h"), (20, "info", "h"), (10, "INFO", "h"), (10, "Help?", "h"),
    (40, "yes", "y"), (20, "YES", "y"), (10, "START", "y"),
    (100, "thanks", "o"), (50, "Thank you!", "o"), (80, "ok", "o"), (40, "👍", "o"), (50, "who is this?", "o"),
    (30, "wrong number", "o"), (40, "Is the store open on Sunday?", "o"), (20, "lol", "o"),
    (40, "When does the sale end?", "o"), (25, "Gracias", "o"), (25, "Merci", "o"), (13, "Danke", "o"),
    (10, "ありがとう", "o"),
]
CONSENT_PURPOSES = (["marketing"] * 50 + ["marketing.offers"] * 25 + ["marketing.newsletter"] * 15
                    + ["service.updates"] * 10)
METHODS = [("web_form", "web")] * 40 + [("checkout", "shopify")] * 25 + [("keyword", "sms")] * 10 + \
          [("paper", "store")] * 5 + [("api", "api")] * 10 + [("import", "legacy-import")] * 10


def new_contacts_per_night(contacts: int) -> int:
    return max(100, min(500, contacts // 2500))


def generate(out: Path, contacts: int, messages: int, night: int, seed: int, as_of: date | None = None) -> dict[str, int]:
    """Write night `night` of the list into `out` (five Parquet files); return the rows per table.

    `as_of` is the day night 0's data ends (00:00 UTC, exclusive; default today, UTC); night k's
    ends k days later. `contacts` and `messages` are night 0's sizes."""
    import duckdb

    as_of = as_of or datetime.now(timezone.utc).date()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    end0_us = int(datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc).timestamp()) * 1_000_000
    start_us = end0_us - WINDOW_DAYS * DAY_US
    end_us = end0_us + night * DAY_US
    per_day = max(4, round(messages / WINDOW_DAYS / 4) * 4)  # bursts are groups of 4 within a day
    total_messages = per_day * (WINDOW_DAYS + night)
    new = new_contacts_per_night(contacts)
    people = contacts + night * new
    numbers = (people + 10) // 11 * 8
    strangers = max(1000, contacts // 20)
    s = int(seed)

    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute("SET enable_progress_bar = false")
    connection.execute("SET preserve_insertion_order = false")  # rows in any order: COPY writes in parallel
    sql = connection.execute
    # Uniform draws from the seed, a tag and a key: u in [0, 1), hi in [0, n).
    sql(f"CREATE MACRO u(tag, k) AS (hash({s}, tag, k) % 1000000007) / 1000000007.0")
    # (n cast to UBIGINT: UBIGINT % a non-constant INTEGER takes a path 50x slower)
    sql(f"CREATE MACRO hi(tag, k, n) AS CAST(hash({s}, tag, k) % CAST(n AS UBIGINT) AS BIGINT)")
    sql(f"CREATE MACRO mid(tag, k) AS 'SM' || md5('{s}:' || tag || ':' || k)")
    sql(f"CREATE MACRO cid(i) AS 'cus_' || substr(md5('{s}:contact:' || i), 1, 20)")
    sql(f"""CREATE MACRO created_us(i) AS CASE WHEN i < {contacts}
            THEN {end0_us - HOUR_US} - CAST({1095 * 86400} * pow(u('created', i), 1.5) AS BIGINT) * 1000000
            ELSE {end0_us} + ((i - {contacts}) // {new}) * {DAY_US} + hi('created', i, 82800) * 1000000 END""")
    sql(f"""CREATE MACRO reply_delay(j) AS CASE WHEN u('rd', j) < 0.6 THEN 5000000 + hi('rd1', j, 295000000)
            WHEN u('rd', j) < 0.9 THEN hi('rd2', j, {3 * HOUR_US}) ELSE hi('rd3', j, {48 * HOUR_US}) END""")
    sql(f"CREATE MACRO number_of(i) AS (i // 11) * 8 + {_list(BLOCK_NUMBER)}[i % 11 + 1]")
    sql("CREATE MACRO ts_z(us) AS strftime(make_timestamp(us), '%Y-%m-%dT%H:%M:%SZ')")
    sql("CREATE MACRO ts_ms(us) AS strftime(make_timestamp(us), '%Y-%m-%dT%H:%M:%S.%gZ')")
    sql("CREATE MACRO ts_space(us) AS strftime(make_timestamp(us), '%Y-%m-%d %H:%M:%S') || '+00:00'")
    sql("""CREATE MACRO ts_off(us, minutes) AS
            strftime(make_timestamp(us + CAST(minutes AS BIGINT) * 60000000), '%Y-%m-%dT%H:%M:%S')
            || CASE WHEN minutes < 0 THEN '-' ELSE '+' END || lpad(CAST(abs(minutes) // 60 AS VARCHAR), 2, '0')
            || ':' || lpad(CAST(abs(minutes) % 60 AS VARCHAR), 2, '0')""")
    # A number (struct n) printed in form f (see SINGLE_FORMS); junk prints as itself.
    sql("""CREATE MACRO grp(n, sep) AS concat_ws(sep, nullif(substr(n.nsn, n.s1, n.l1), ''),
            nullif(substr(n.nsn, n.s2, n.l2), ''), nullif(substr(n.nsn, n.s3, n.l3), ''),
            nullif(substr(n.nsn, n.s4, n.l4), ''), nullif(substr(n.nsn, n.s5, n.l5), ''))""")
    sql("""CREATE MACRO tail(n, sep) AS concat_ws(sep, nullif(substr(n.nsn, n.s2, n.l2), ''),
            nullif(substr(n.nsn, n.s3, n.l3), ''), nullif(substr(n.nsn, n.s4, n.l4), ''),
            nullif(substr(n.nsn, n.s5, n.l5), ''))""")
    sql("""CREATE MACRO natl(n) AS CASE n.style
            WHEN 'paren' THEN '(' || substr(n.nsn, n.s1, n.l1) || ') ' || tail(n, '-')
            WHEN 'dash' THEN n.trunk || grp(n, '-')
            ELSE n.trunk || grp(n, ' ') END""")
    sql("""CREATE MACRO fmt(f, n) AS CASE
            WHEN n.raw IS NOT NULL THEN n.raw
            WHEN f = 0 THEN '+' || n.cc || n.nsn
            WHEN f = 2 AND n.style = 'paren' THEN '+' || n.cc || ' (' || substr(n.nsn, n.s1, n.l1) || ') ' || tail(n, '-')
            WHEN f = 2 THEN '+' || n.cc || '-' || grp(n, '-')
            WHEN f = 3 AND n.cc = '1' THEN '1-' || grp(n, '-')
            WHEN f = 3 THEN n.idd || n.cc || ' ' || grp(n, ' ')
            WHEN f IN (4, 5) THEN natl(n)
            WHEN f = 6 THEN n.cc || n.nsn
            WHEN f = 7 AND n.trunk = '0' THEN '+' || n.cc || ' (0)' || grp(n, ' ')
            WHEN f = 7 THEN '(+' || n.cc || ') ' || grp(n, ' ')
            ELSE '+' || n.cc || ' ' || grp(n, ' ') END""")

    _patterns(connection)
    _number_table(connection, numbers, strangers)
    _people_table(connection, people, contacts, end0_us)
    _messages_view(connection, total_messages, per_day, contacts, strangers, start_us)
    _replies_table(connection, strangers)

    files = {}
    sql(f"""COPY (SELECT contact_id, phone, country, created_at, last_activity_at FROM people)
            TO '{_file(out, 'contacts')}' (FORMAT parquet)""")
    sql(f"""COPY (
        WITH events AS (
            SELECT 'evt_' || substr(md5('{s}:e0:' || i), 1, 24) AS event_id, contact_id, cls AS purpose,
                   'opt_in' AS action,
                   CASE WHEN u('ev', i) >= 0.015 AND u('ev', i) < 0.03 THEN (CASE WHEN u('ev2', i) < 0.5 THEN '' END)
                        ELSE method END AS method,
                   created + CASE WHEN method = 'import' THEN 0 ELSE hi('e0', i, 600) * 1000000 END AS at_us,
                   CASE WHEN u('ev', i) < 0.015 THEN (CASE WHEN u('ev2', i) < 0.5 THEN '' END)
                        ELSE 'privacy-' || year(make_timestamp(created)) || '.' || (1 + hi('nv', i, 3)) END
                       AS notice_version,
                   source
            FROM people WHERE cls IS NOT NULL
            UNION ALL
            SELECT 'evt_' || substr(md5('{s}:e1:' || i), 1, 24), contact_id,
                   CASE WHEN later = 'opt_out' THEN (CASE WHEN u('op', i) < 0.7 THEN 'marketing' ELSE cls END)
                        WHEN cls = 'marketing.newsletter' THEN 'marketing.offers' ELSE 'marketing.newsletter' END,
                   later,
                   CASE WHEN later = 'opt_out' THEN ['web_form', 'keyword', 'customer_service'][1 + hi('om', i, 3)]
                        ELSE 'web_form' END,
                   later_us,
                   CASE WHEN later = 'opt_in' THEN 'privacy-2025.2' END, 'web'
            FROM people WHERE later IS NOT NULL
            UNION ALL
            SELECT 'evt_' || substr(md5('{s}:kw:' || j), 1, 24), logged_contact_id, 'marketing', 'opt_out', 'keyword',
                   recorded_us, NULL, 'sms'
            FROM replies WHERE recorded_us IS NOT NULL AND recorded_us < {end_us}
        )
        SELECT event_id, contact_id, purpose, action, method,
               CASE source WHEN 'web' THEN ts_off(at_us, 60) WHEN 'store' THEN ts_space(at_us)
                           WHEN 'sms' THEN ts_ms(at_us) ELSE ts_z(at_us) END AS occurred_at,
               notice_version, source
        FROM events
    ) TO '{_file(out, 'consents')}' (FORMAT parquet)""")
    sql(f"""COPY (
        SELECT message_id, contact_id, to_phone, purpose, campaign_id, sender_id, body, ts_ms(sent_us) AS sent_at
        FROM msgs
        UNION ALL
        SELECT mid('help', j), logged_contact_id, answer_to, 'service.updates', NULL, 'Acme',
               '{HELP_ANSWER}', ts_ms(answered_us)
        FROM replies WHERE answered_us IS NOT NULL AND answered_us < {end_us}
    ) TO '{_file(out, 'messages')}' (FORMAT parquet)""")
    sql(f"""COPY (
        SELECT 'IN' || md5('{s}:in:' || j) AS inbound_id, from_phone, body, ts_z(received_us) AS received_at
        FROM replies WHERE received_us < {end_us}
    ) TO '{_file(out, 'inbound')}' (FORMAT parquet)""")
    sql(f"""COPY (
        SELECT CASE WHEN u('dform', p) < 0.9 THEN fmt(0, n) ELSE fmt(6, n) END AS phone,
               strftime(make_timestamp({start_us} + hi('dday', p, 90) * {DAY_US}), '%Y-%m-%d') AS deactivated_at
        FROM numbers
        WHERE p < {(contacts + 10) // 11 * 8} AND kind <> 'invalid' AND u('deact', p) < 0.0045
          AND hi('dday', p, 90) < {WINDOW_DAYS + night}
    ) TO '{_file(out, 'deactivations')}' (FORMAT parquet)""")
    for table in ("contacts", "consents", "messages", "inbound", "deactivations"):
        files[table] = connection.execute(f"SELECT count(*) FROM read_parquet('{_file(out, table)}')").fetchone()[0]
    connection.close()
    return files


STRANGER_BASE = 1_000_000_000  # numbers from here on belong to no contact


def _file(directory: Path, table: str) -> str:
    """directory/table.parquet as the body of a SQL string literal."""
    return str(directory / f"{table}.parquet").replace("'", "''")


def _list(values: list) -> str:
    """A SQL list literal of ints or plain strings (no quotes inside)."""
    return "[" + ", ".join(str(v) if isinstance(v, int) else f"'{v}'" for v in values) + "]"


def _texts(values) -> str:
    """A SQL list literal of any strings."""
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def _patterns(connection) -> None:
    connection.execute("""CREATE TABLE pat (pid INTEGER, region VARCHAR, cc VARCHAR, kind VARCHAR, weight INTEGER,
        prefixes VARCHAR[], rest INTEGER, s1 INTEGER, l1 INTEGER, s2 INTEGER, l2 INTEGER, s3 INTEGER, l3 INTEGER,
        s4 INTEGER, l4 INTEGER, s5 INTEGER, l5 INTEGER, trunk VARCHAR, style VARCHAR, idd VARCHAR, utc_offset INTEGER)""")
    rows = []
    for pid, (region, cc, kind, weight, prefixes, rest, groups, trunk, style, idd, offset) in enumerate(PATTERNS):
        slots, start = [], 1
        for index, length in enumerate(groups):
            slots += [start, 99 if index == len(groups) - 1 else length]
            start += length
        slots += [None, None] * (5 - len(groups))
        rows.append([pid, region, cc, kind, weight, prefixes, rest, *slots, trunk, style, idd, offset])
    connection.executemany("INSERT INTO pat VALUES (" + ", ".join(["?"] * 21) + ")", rows)
    # Weighted draws become equality joins on a slot number: mobile slots 0-999, the others from 1000.
    connection.execute("""CREATE TABLE pat_slots AS
        SELECT (CASE kind WHEN 'mobile' THEN 0 ELSE 1000 END)
               + row_number() OVER (PARTITION BY kind ORDER BY pid, k) - 1 AS slot, pid
        FROM pat, range(weight) AS t(k)""")
    connection.execute("CREATE TABLE reply_kinds (k INTEGER, weight INTEGER, body VARCHAR, cat VARCHAR)")
    connection.executemany("INSERT INTO reply_kinds VALUES (?, ?, ?, ?)",
                           [[k, w, b, c] for k, (w, b, c) in enumerate(REPLIES)])
    connection.execute("""CREATE TABLE reply_slots AS
        SELECT row_number() OVER (ORDER BY k, r) - 1 AS slot, body, cat FROM reply_kinds, range(weight) AS t(r)""")


def _number_table(connection, numbers: int, strangers: int) -> None:
    """Every distinct number (p) the list's contacts hold, and the strangers' (no contact holds them)."""
    other_total = sum(p[3] for p in PATTERNS if p[2] == "other")
    connection.execute(f"""CREATE TABLE numbers AS
        WITH k AS (
            SELECT p, CASE WHEN hi('kind', p, 1000) < 20 THEN 'invalid' WHEN hi('kind', p, 1000) < 30 THEN 'other'
                           ELSE 'mobile' END AS kind
            FROM range({numbers}) AS t(p)
            UNION ALL
            SELECT {STRANGER_BASE} + s, 'mobile' FROM range({strangers}) AS t(s)
        ), drawn AS (
            SELECT k.p, k.kind, t.*, hi('iv', k.p, 10) AS iv,
                   list_element(t.prefixes, 1 + hi('pre', k.p, len(t.prefixes)))
                   || lpad(CAST(hi('dig', k.p, CAST(pow(10, t.rest) AS BIGINT)) AS VARCHAR), t.rest, '0') AS good
            FROM k
            JOIN pat_slots AS s ON s.slot = CASE WHEN k.kind = 'other' THEN 1000 + hi('pat', k.p, {other_total})
                                                 ELSE hi('pat', k.p, 1000) END
            JOIN pat AS t ON t.pid = s.pid
        )
        SELECT p, kind, region, utc_offset, struct_pack(
            cc := cc,
            nsn := CASE WHEN kind = 'invalid' AND iv < 4 THEN substr(good, 1, length(good) - 1)  -- a digit short
                        WHEN kind = 'invalid' AND iv < 6 THEN good || hi('xd', p, 10)  -- a digit extra
                        ELSE good END,
            s1 := s1, l1 := l1, s2 := s2, l2 := l2, s3 := s3, l3 := l3, s4 := s4, l4 := l4, s5 := s5, l5 := l5,
            trunk := trunk, style := style, idd := idd,
            raw := CASE WHEN kind = 'invalid' AND iv >= 6 THEN list_element({_list(JUNK)}, 1 + hi('junk', p, {len(JUNK)})) END
        ) AS n
        FROM drawn""")
    connection.execute(f"""CREATE TABLE strangers AS
        SELECT p - {STRANGER_BASE} AS sidx, n, fmt(0, n) AS e164, fmt(1, n) AS spaced FROM numbers WHERE p >= {STRANGER_BASE}""")
    connection.execute(f"DELETE FROM numbers WHERE p >= {STRANGER_BASE}")


def _people_table(connection, people: int, contacts: int, end0_us: int) -> None:
    """Contacts (i): their number, how they typed it, the country column, dates and consent plan."""
    methods, sources = _list([m for m, _ in METHODS]), _list([s for _, s in METHODS])
    connection.execute(f"""CREATE TABLE people AS
        WITH b AS (
            SELECT i, number_of(i) AS p, {_list(BLOCK_MEMBER)}[i % 11 + 1] AS m,
                   {_list(BLOCK_HOLDERS)}[i % 11 + 1] AS g, created_us(i) AS created
            FROM range({people}) AS t(i)
        ), f AS (
            SELECT b.*, num.n, num.region, num.kind, num.utc_offset,
                   CASE WHEN g = 1 THEN {_list(SINGLE_FORMS)}[1 + hi('form', i, {len(SINGLE_FORMS)})]
                        WHEN m > 0 AND u('f5', i) < 0.04 THEN 5
                        ELSE {_list(SHARED_FORMS)}[1 + (hi('fbase', p, {len(SHARED_FORMS)}) + m) % {len(SHARED_FORMS)}]
                   END AS form,
                   hi('cstyle', i, 100) AS cs,
                   CASE WHEN i < {contacts} AND ((m > 0 AND u('nc', i) < 0.08) OR (m = 0 AND u('nc', i) < 0.012))
                        THEN NULL ELSE {_list(CONSENT_PURPOSES)}[1 + hi('cls', i, {len(CONSENT_PURPOSES)})] END AS cls
            FROM b JOIN numbers AS num USING (p)
        )
        SELECT i, p, m, g, created, n, region, kind, form, cls,
               cid(i) AS contact_id,
               fmt(form, n) || CASE WHEN u('pad', i) < 0.01 THEN ' ' ELSE '' END AS phone,
               fmt(0, n) AS e164, fmt(1, n) AS spaced, fmt(6, n) AS digits,  -- how message logs write it
               CASE
                   WHEN form = 5 THEN CASE WHEN cs < 50 THEN '' END
                   WHEN form IN (3, 4, 6) THEN CASE WHEN cs < 80 THEN region WHEN cs < 95 THEN lower(region)
                                                    ELSE ' ' || region || ' ' END
                   WHEN cs < 55 THEN region WHEN cs < 65 THEN lower(region) WHEN cs < 75 THEN '' WHEN cs < 90 THEN NULL
                   WHEN region = 'GB' THEN 'IE' ELSE 'GB'
               END AS country,
               ts_off(created, utc_offset) AS created_at,
               CASE WHEN i < {contacts} AND u('act', i) < 0.3 + 0.4 * ({end0_us} - created) / {1095 * DAY_US}
                    THEN ts_z(created + CAST(({end0_us - HOUR_US} - created) * u('act2', i) AS BIGINT)) END AS last_activity_at,
               {methods}[1 + hi('meth', i, {len(METHODS)})] AS method,
               {sources}[1 + hi('meth', i, {len(METHODS)})] AS source,
               CASE WHEN i >= {contacts} OR cls IS NULL THEN NULL
                    WHEN u('e1', i) < 0.062 THEN 'opt_out' WHEN u('e1', i) < 0.206 THEN 'opt_in' END AS later,
               -- when: an opt-in any time after; two fifths of the opt-outs 20-60 days ago, the rest before
               least({end0_us - 2 * HOUR_US}, greatest(created + {DAY_US}, CASE
                   WHEN u('e1', i) >= 0.062 OR u('ot', i) >= 0.4
                   THEN created + CAST(({end0_us - WINDOW_DAYS * DAY_US} - created) * u('ol', i) AS BIGINT)
                   ELSE {end0_us - 20 * DAY_US} - CAST({40 * DAY_US} * u('ol', i) AS BIGINT) END)) AS later_us
        FROM f""")


def _messages_view(connection, total: int, per_day: int, contacts: int, strangers: int, start_us: int) -> None:
    """The message log of days 0 .. total/per_day - 1, one row per j; views, read three times (2%
    for the numbers that replied STOP, all rows for the file, 2% for the replies), so the log is
    never held in memory. Like a real platform, the sender mostly stops marketing to a number
    after a STOP reply, and to a contact after an opt-out: 90% of what would have been marketing
    becomes a service message."""
    marketing_slots = [k + 1 for k, (weight, _) in enumerate(MARKETING_BODIES) for _ in range(weight)]
    service_slots = [k + 1 for k, (weight, _) in enumerate(SERVICE_BODIES) for _ in range(weight)]
    days = [datetime.fromtimestamp((start_us + d * DAY_US) / 1e6, timezone.utc).strftime("%Y%m%d")
            for d in range(total // per_day)]
    c = contacts
    # range() runs on one thread; a scan of a table runs on all of them.
    connection.execute(f"CREATE TABLE message_numbers AS SELECT range AS j FROM range({total})")
    connection.execute(f"""CREATE VIEW picks AS
        WITH b AS (
            SELECT j, j // {per_day} AS d, j % 4 AS pos, hi('burst', j // 4, 1000) < 30 AS burst
            FROM message_numbers
        ), t AS (
            SELECT *, CASE WHEN burst THEN j - pos ELSE j END AS l FROM b
        ), timed AS (
            SELECT *, {start_us} + d * {DAY_US} + hi('t', l, 86400000) * 1000 AS lead_us FROM t
        ), picked AS (
            -- the contact: the first of three draws created before the message
            SELECT j, d, pos, burst, l,
                   least(lead_us + CASE WHEN burst AND pos > 0
                                        THEN CAST({_list([0, 1200, 2700, 10800])}[pos + 1] AS BIGINT) * 1000000
                                             + hi('jit', j, 600000000)
                                        ELSE 0 END,
                         {start_us} + (d + 1) * {DAY_US} - 1000) AS sent_us,
                   CASE WHEN created_us(hi('c1', l, {c})) <= lead_us THEN hi('c1', l, {c})
                        WHEN created_us(hi('c2', l, {c})) <= lead_us THEN hi('c2', l, {c})
                        ELSE hi('c3', l, {c}) END AS i,
                   lead_us
            FROM timed
        )
        SELECT * FROM picked""")
    connection.execute(f"""CREATE MACRO logged_id(i, m, g, j, own) AS
        CASE WHEN g > 1 AND u('wrong', j) < 0.011 AND i - m + (m + 1) % g < {c} THEN cid(i - m + (m + 1) % g) ELSE own END""")
    connection.execute("""CREATE TABLE stops AS
        SELECT number_of(i) AS p, min(sent_us + reply_delay(j)) AS stop_us
        FROM picks JOIN reply_slots AS rs ON rs.slot = hi('rbody', j, 1000)
        WHERE u('reply', j) < 0.02 AND rs.cat IN ('x', 'p') AND u('rstr', j) >= 0.05 AND u('unk', l) >= 0.005
        GROUP BY 1""")
    connection.execute(f"""CREATE VIEW msgs AS
        WITH shaped AS (
            SELECT x.*, p.phone, p.e164, p.spaced, p.digits, st.e164 AS s_e164, st.spaced AS s_spaced,
                   logged_id(x.i, p.m, p.g, x.j, p.contact_id) AS contact_id,
                   u('unk', x.l) < 0.005 AS unknown,
                   CASE WHEN u('pur', x.l) < 0.25
                          OR ((x.lead_us > stop.stop_us OR (p.later = 'opt_out' AND x.lead_us > p.later_us))
                              AND u('respect', x.l) < 0.9)
                        THEN CASE WHEN u('pur2', x.l) < 0.65 THEN 'service.updates' ELSE 'account.security' END
                        WHEN u('pur', x.l) < 0.28
                        THEN ['marketing.offers', 'marketing.newsletter', 'marketing'][1 + hi('pur3', x.l, 3)]
                        WHEN p.cls = 'marketing'
                        THEN CASE WHEN u('pur2', x.l) < 0.6 THEN 'marketing.offers'
                                  WHEN u('pur2', x.l) < 0.9 THEN 'marketing.newsletter' ELSE 'marketing' END
                        WHEN p.cls IN ('marketing.offers', 'marketing.newsletter', 'service.updates') THEN p.cls
                        WHEN u('pur2', x.l) < 0.5 THEN 'marketing.offers'  -- no consent at all: half blasted anyway
                        ELSE 'service.updates' END AS purpose
            FROM picks AS x
            JOIN people AS p USING (i)
            LEFT JOIN stops AS stop ON stop.p = p.p
            LEFT JOIN strangers AS st ON st.sidx = hi('stranger', x.l, {strangers})
        ), bodied AS (
            -- weighted template draws as constant-list lookups (a join with a slot table costs 10x more here)
            SELECT s.*, starts_with(purpose, 'marketing') AS mk,
                   CASE WHEN starts_with(purpose, 'marketing')
                        THEN list_element({_texts(m for _, m in MARKETING_BODIES)}, list_element({_list(marketing_slots)},
                                 1 + hi(CASE WHEN pos = 3 THEN 'body3' ELSE 'body' END, CASE WHEN pos = 3 THEN j ELSE l END,
                                        {len(marketing_slots)})))
                        ELSE list_element({_texts(m for _, m in SERVICE_BODIES)}, list_element({_list(service_slots)},
                                 1 + hi(CASE WHEN pos = 3 THEN 'body3' ELSE 'body' END, CASE WHEN pos = 3 THEN j ELSE l END,
                                        {len(service_slots)})))
                   END AS body
            FROM shaped AS s
        )
        SELECT mid('m', j) AS message_id, contact_id,
               CASE WHEN unknown THEN (CASE WHEN u('unkf', l) < 0.8 THEN s_e164 ELSE s_spaced END)
                    WHEN u('tpf', l) < 0.62 THEN phone
                    WHEN u('alt', l) < 0.5 THEN e164 WHEN u('alt', l) < 0.8 THEN digits ELSE spaced END AS to_phone,
               purpose,
               CASE WHEN mk THEN 'cmp-' || list_element({_texts(days)}, 1 + d) || '-' || (1 + hi('cmp', l, 3)) END AS campaign_id,
               CASE WHEN u('snd', l) < 0.8 THEN 'Acme' WHEN u('snd', l) < 0.9 THEN 'ACME' ELSE '22395' END AS sender_id,
               CASE WHEN NOT contains(body, '{{') THEN body ELSE
                   replace(replace(body,
                       '{{code}}', lpad(CAST(hi('code', CASE WHEN pos = 3 THEN j ELSE l END, 1000000) AS VARCHAR), 6, '0')),
                       '{{order}}', 'A' || lpad(CAST(hi('order', CASE WHEN pos = 3 THEN j ELSE l END, 10000000) AS VARCHAR), 7, '0'))
               END AS body,
               sent_us
        FROM bodied""")


def _replies_table(connection, strangers: int) -> None:
    """Inbound replies to 2% of the messages (received after the night's end they wait for a later
    night), with the opt-outs the platform recorded for them and the answers to HELP."""
    connection.execute(f"""CREATE TABLE replies AS
        WITH x AS MATERIALIZED (
            SELECT * FROM picks WHERE u('reply', j) < 0.02
        ), r AS (
            SELECT x.j, x.sent_us, logged_id(x.i, p.m, p.g, x.j, p.contact_id) AS logged_contact_id, p.n, st.n AS sn,
                   u('unk', x.l) < 0.005 AS unknown, u('rstr', x.j) < 0.05 AS from_stranger
            FROM x
            JOIN people AS p USING (i)
            LEFT JOIN strangers AS st ON st.sidx = hi('stranger', x.l, {strangers})
        ), d AS (
            SELECT r.*, rs.body, rs.cat, st.n AS other,
                   sent_us + reply_delay(j) AS received_us
            FROM r
            JOIN reply_slots AS rs ON rs.slot = hi('rbody', j, 1000)
            LEFT JOIN strangers AS st ON st.sidx = hi('rs', j, {strangers})
        )
        SELECT j, logged_contact_id, body, cat, received_us,
               CASE WHEN from_stranger THEN fmt(0, other)
                    ELSE fmt(CASE WHEN u('ff', j) < 0.60 THEN 0 WHEN u('ff', j) < 0.75 THEN 1 WHEN u('ff', j) < 0.83 THEN 6
                                  WHEN u('ff', j) < 0.93 THEN 4 WHEN u('ff', j) < 0.98 THEN 3 ELSE 2 END,
                             CASE WHEN unknown THEN sn ELSE n END) END AS from_phone,
               CASE WHEN from_stranger OR unknown THEN NULL
                    WHEN cat = 'x' AND u('rec', j) < 0.80 THEN received_us + 5000000 + hi('rec1', j, 1800000000)
                    WHEN cat = 'x' AND u('rec', j) < 0.87 THEN received_us + {25 * HOUR_US} + hi('rec2', j, {71 * HOUR_US})
                    WHEN cat = 'p' AND u('rec', j) < 0.5 THEN received_us + 60000000 + hi('rec1', j, {HOUR_US})
                    WHEN body = 'Stop please' AND u('rec', j) < 0.3 THEN received_us + 60000000 + hi('rec1', j, {HOUR_US})
               END AS recorded_us,
               CASE WHEN cat <> 'h' OR from_stranger THEN NULL
                    WHEN u('ans', j) < 0.70 THEN received_us + 60000000 + hi('ans1', j, 1140000000)
                    WHEN u('ans', j) < 0.85 THEN received_us + 5400000000 + hi('ans2', j, 12600000000)
               END AS answered_us,
               fmt(0, CASE WHEN unknown THEN sn ELSE n END) AS answer_to
        FROM d""")


def run_nightly(source: Path, warehouse: Path, reports: Path, log: Path, full: bool = False) -> dict:
    """The real command as a subprocess from the project root: exit code, seconds, peak MiB."""
    command = [str(LISTWARDEN), "run", "nightly", "--source", str(source), "--warehouse", str(warehouse),
               "--reports", str(reports), "--allow-large-deletion", *(["--full"] if full else [])]
    errors = log.with_suffix(".err.log")
    started_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    with log.open("wb") as stdout, errors.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
        with PeakMemory(process.pid, interval=0.2) as peak:
            code = process.wait()
    seconds = time.perf_counter() - started
    lines = [line.rsplit("\r", 1)[-1].rstrip() for line in errors.read_text(errors="replace").splitlines()]
    tail = [line for line in lines if line][-5:] if code else []
    return {"exit": code, "seconds": seconds, "peak_mib": peak.mib, "stderr_tail": tail, "started_at": started_at}


def inspect(warehouse: Path, since: datetime) -> dict:
    """The nightly run started at or after `since` (None if it published nothing): its findings per
    check and rows deleted, from the warehouse opened read-only; and the file size."""
    from listwarden.warehouse import open_warehouse

    result = {"run_id": None, "status": None, "findings": {}, "new": None, "closed": None, "written": None,
              "deleted": None, "deleted_by_table": {},
              "warehouse_mib": warehouse.stat().st_size / 2**20 if warehouse.exists() else 0.0}
    if not warehouse.exists():
        return result
    with open_warehouse(warehouse, read_only=True) as connection:
        row = connection.execute("""SELECT run_id, status FROM audit.runs
                                    WHERE flow = 'nightly' AND started_at >= $since - INTERVAL 1 MINUTE
                                    ORDER BY started_at DESC LIMIT 1""", {"since": since}).fetchone()
        if row is None:
            return result
        result["run_id"], result["status"] = row
        result["findings"] = dict(connection.execute(  # open when the run finished
            """SELECT "check", count(*) FROM findings_of_run($run, 'open') GROUP BY 1 ORDER BY 2 DESC""",
            {"run": row[0]}).fetchall())
        result["new"], result["closed"], result["written"] = connection.execute(
            """SELECT (SELECT count(*) FROM findings_of_run($run, 'new')),
                      (SELECT count(*) FROM audit.finding_closures WHERE run_id = $run),
                      (SELECT count(*) FROM audit.violations)""", {"run": row[0]}).fetchone()
        result["deleted_by_table"] = dict(connection.execute(
            """SELECT table_name, sum(rows) FROM audit.deletions
               WHERE run_id = $run AND phase = 'apply' AND action = 'delete' GROUP BY 1 ORDER BY 2 DESC""",
            {"run": row[0]}).fetchall())
        result["deleted"] = int(sum(result["deleted_by_table"].values()))
        result["repeated"] = dict(connection.execute(  # a finding is one row per (check, table, id) and run
            """SELECT "check", count(*) FROM (SELECT "check" FROM audit.violations WHERE run_id = $run
                                              GROUP BY "check", record_table, record_id HAVING count(*) > 1)
               GROUP BY 1""", {"run": row[0]}).fetchall())
        result["steps"] = connection.execute(
            """SELECT step, round(epoch(finished_at - started_at), 1), detail FROM audit.steps
               WHERE run_id = $run ORDER BY started_at""", {"run": row[0]}).fetchall()
    return result


def open_identities(warehouse: Path, run_id: str) -> set[tuple[str, str, str]]:
    """(check, record_table, record_id) of every finding open when the run finished."""
    from listwarden.warehouse import open_warehouse

    with open_warehouse(warehouse, read_only=True) as connection:
        return set(connection.execute("""SELECT "check", record_table, record_id FROM findings_of_run($run, 'open')""",
                                      {"run": run_id}).fetchall())


def compare_full(source: Path, warehouse: Path, entry: dict, scratch: Path) -> None:
    """The last night again with --full, on the warehouse as it was before it: the same findings?"""
    copy = scratch / "warehouse-full.duckdb"
    full = run_nightly(source, copy, scratch / "reports-full", scratch / "night-full.log", full=True)
    full.update(inspect(copy, full["started_at"]))
    print(f"--full on the same night: exit {full['exit']} in {full['seconds']:.0f} s, peak {full['peak_mib']:,.0f} MiB",
          flush=True)
    if entry["run_id"] and full["run_id"]:
        incremental, everything = open_identities(warehouse, entry["run_id"]), open_identities(copy, full["run_id"])
        differing = sorted({identity[0] for identity in incremental ^ everything})
        print(f"open findings: incremental {len(incremental):,}, full {len(everything):,}: "
              + ("identical" if not differing else f"DIFFERENT in {', '.join(differing)} "
                 f"({len(incremental - everything):,} only incremental, {len(everything - incremental):,} only full)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--nights", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=date.fromisoformat, default=datetime.now(timezone.utc).date(),
                        help="the day the last night's data ends (00:00 UTC); default today (UTC)")
    parser.add_argument("--keep", type=Path, help="move sources, logs, warehouse and reports here at the end")
    parser.add_argument("--generate-only", action="store_true", help="generate every night's source, run nothing")
    parser.add_argument("--compare-full", action="store_true",
                        help="run the last night again with --full on a copy of the warehouse; compare the findings")
    arguments = parser.parse_args()
    if arguments.keep and arguments.keep.exists() and any(arguments.keep.iterdir()):
        parser.error(f"--keep {arguments.keep}: not empty")

    scratch = scratch_directory("realistic")  # fresh keys in scratch/secrets
    os.environ.setdefault("PREFECT_HOME", str(scratch / "prefect"))
    warehouse, reports = scratch / "warehouse.duckdb", scratch / "reports"
    first_day = arguments.as_of - timedelta(days=arguments.nights - 1)
    print(f"scratch {scratch}; night 0 ends {first_day} 00:00 UTC, night {arguments.nights - 1} ends "
          f"{arguments.as_of} 00:00 UTC", flush=True)

    nights = []
    for night in range(arguments.nights):
        source = scratch / f"source-night-{night}"
        started = time.perf_counter()
        counts = generate(source, arguments.contacts, arguments.messages, night, arguments.seed, first_day)
        generated = time.perf_counter() - started
        print(f"\nnight {night}: generated in {generated:.1f} s: "
              + ", ".join(f"{table} {rows:,}" for table, rows in counts.items()), flush=True)
        entry = {"night": night, "generate_s": generated, "rows": counts}
        nights.append(entry)
        if arguments.generate_only:
            continue
        last = night == arguments.nights - 1
        if last and arguments.compare_full:
            shutil.copy(warehouse, scratch / "warehouse-full.duckdb")
        entry.update(run_nightly(source, warehouse, reports, scratch / f"night-{night}.log"))
        try:
            entry.update(inspect(warehouse, entry["started_at"]))
        except Exception as error:  # noqa: BLE001 - the next night runs all the same
            entry.update(run_id=None, status=f"not inspected: {type(error).__name__}: {error}", findings={},
                         deleted=None, deleted_by_table={}, warehouse_mib=warehouse.stat().st_size / 2**20
                         if warehouse.exists() else 0.0)
        print(f"night {night}: exit {entry['exit']} in {entry['seconds']:.0f} s, peak {entry['peak_mib']:,.0f} MiB, "
              f"run {entry['run_id']} ({entry['status']})", flush=True)
        for line in entry["stderr_tail"]:
            print(f"    stderr: {line}")
        for check, count in entry["findings"].items():
            print(f"    {check:30} {count:>12,}")
        if entry["deleted_by_table"]:
            print("    deleted: " + ", ".join(f"{t} {n:,}" for t, n in entry["deleted_by_table"].items()))
        for check, count in entry.get("repeated", {}).items():
            print(f"    REPEATED: {check} wrote {count:,} findings more than once")
        for step, seconds, detail in entry.get("steps", []):
            print(f"    step {step:28} {seconds:>7.1f} s" + (f"  {detail}" if step == "scope" else ""))
        if last and arguments.compare_full:
            compare_full(source, warehouse, entry, scratch)
        if not arguments.keep and source.exists():
            shutil.rmtree(source)

    if not arguments.generate_only:
        print(f"\n{arguments.contacts:,} contacts, {arguments.messages:,} messages, seed {arguments.seed}\n")
        print("| night | exit code | seconds | peak MiB | open findings | new | closed | audit.violations rows "
              "| deleted rows | warehouse MiB |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for entry in nights:
            findings = f"{sum(entry['findings'].values()):,}" if entry["run_id"] else "(not published)"
            deleted = f"{entry['deleted']:,}" if entry["deleted"] is not None else "-"
            life = (f"{entry['new']:,} | {entry['closed']:,} | {entry['written']:,}" if entry["run_id"]
                    else "- | - | -")
            print(f"| {entry['night']} | {entry['exit']} | {entry['seconds']:.0f} | {entry['peak_mib']:,.0f} | "
                  f"{findings} | {life} | {deleted} | {entry['warehouse_mib']:,.0f} |")
    if arguments.keep:
        arguments.keep.mkdir(parents=True, exist_ok=True)
        for item in scratch.iterdir():
            shutil.move(str(item), arguments.keep / item.name)
        scratch.rmdir()
        print(f"\nkept in {arguments.keep} (LISTWARDEN_SECRETS_DIR={arguments.keep / 'secrets'} opens the warehouse)")
    else:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

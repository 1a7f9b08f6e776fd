"""Deterministic demo sources in the data contract, with planted violations of every check.

The population is compliant by construction: every number is checked with phonenumbers as it
is made, every send time is checked against every time zone of the number. Among it, every check's
catch case (sql/checks/<name>.cases.yaml) is planted; `planted_violations.csv` lists what they must
be found for (check, record_table, record_id), so a run on this data must find exactly those.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
import polars as pl
from phonenumbers import PhoneNumberFormat, PhoneNumberType, timezone

from listwarden import cases
from listwarden.progress import progress_bar

# (region, language, weight)
COUNTRIES = (
    ("US", "en", 22), ("GB", "en", 12), ("DE", "de", 10), ("FR", "fr", 9), ("ES", "es", 7), ("MX", "es", 7),
    ("BR", "pt", 7), ("IN", "en", 8), ("AU", "en", 5), ("RU", "ru", 5), ("CN", "zh", 5), ("CA", "en", 3),
)
MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
MARKETING_PURPOSES = ("marketing", "marketing.offers", "marketing.newsletter")
METHODS = ("web_form", "checkout", "keyword", "paper", "api")
NOTICES = ("privacy-2025-09", "privacy-2026-03")
SENDER = "Acme"
# Sending hours kept well inside the policy's 08:00-21:00 window, in every zone of the number.
SAFE_HOURS = (9, 20)
OFFERS = {
    "en": ["{s}: 20% off everything this weekend. Reply STOP to opt out",
           "{s}: your member offer is waiting in store. Reply STOP to opt out",
           "{s} news: new arrivals are here. Reply STOP to opt out"],
    "de": ["{s}: 15% Rabatt auf alles bis Sonntag. Reply STOP to opt out",
           "{s}: Neue Kollektion jetzt im Laden. Reply STOP to opt out"],
    "fr": ["{s} : -20% ce week-end. Répondez ARRET pour ne plus recevoir de SMS",
           "{s} : nouvelle collection en magasin. Répondez ARRET pour vous désabonner"],
    "es": ["{s}: 2x1 en toda la tienda hoy. Responde BAJA para no recibir más",
           "{s}: nuevos productos ya disponibles. Responde BAJA para darte de baja"],
    "pt": ["{s}: 20% de desconto neste fim de semana. Reply STOP to opt out"],
    "ru": ["{s}: скидка 15% на всё до воскресенья. Ответьте СТОП для отписки"],
    "zh": ["{s}：本周末全场八折。回复退订取消"],
}
OPT_OUT_WORDS = {
    "en": ["STOP", "Stop.", " stop!! ", "UNSUBSCRIBE", "please stop texting me"],
    "de": ["STOP"], "pt": ["STOP"],
    "fr": ["Arrêt", "ARRET"], "es": ["BAJA", "Alto"], "ru": ["СТОП", "Отписаться"], "zh": ["退订", "TD"],
}
CHATTER = {
    "en": ["Thanks!", "What time do you open on Sunday?", "can you stop by the store at 5?",
           "Will the sale stop on Sunday?", "don't stop the deals coming", "ok"],
    "de": ["Danke!", "Habt ihr Sonntag offen?"], "fr": ["Merci !", "Vous ouvrez dimanche ?"],
    "es": ["¡Gracias!", "¿Abren el domingo?"], "pt": ["Obrigado!"], "ru": ["Спасибо!"], "zh": ["谢谢！"],
}
PLANTED_FIELDS = ("check", "record_table", "record_id")


@dataclass
class Contact:
    contact_id: str
    region: str | None  # the country hint as written in the file (None: not given)
    language: str
    e164: str
    phone: str
    zones: tuple[str, ...]
    created_at: datetime


@dataclass
class Sources:
    as_of: datetime
    rng: random.Random
    contacts: list[dict] = field(default_factory=list)
    consents: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    inbound: list[dict] = field(default_factory=list)
    deactivations: list[dict] = field(default_factory=list)
    planted: list[dict] = field(default_factory=list)
    used_numbers: set[str] = field(default_factory=set)

    def next_id(self, prefix: str, table: list) -> str:
        return f"{prefix}-{len(table) + 1:06d}"

    def plant(self, check: str, record_table: str, record_id: str) -> None:
        self.planted.append({"check": check, "record_table": record_table, "record_id": record_id})


def generate(out: Path, contacts: int = 1000, seed: int = 7, as_of: date | None = None) -> dict[str, int]:
    """Write the source CSVs and planted_violations.csv to `out`; return row counts per file."""
    as_of = as_of or datetime.now(UTC).date()
    sources = Sources(as_of=datetime.combine(as_of, time(0), UTC), rng=random.Random(seed))
    planted = cases.load_all("catch", as_of)
    sources.used_numbers |= _case_numbers(planted)
    clean = max(contacts - len(planted.tables["contacts"]), 0)
    with progress_bar("Generating contacts", clean) as advance:
        for _ in range(clean):
            _clean_contact(sources)
            advance(1)
    _plant_everything(sources, planted)
    return _write(sources, Path(out))


# --- the compliant population -------------------------------------------------------------

def _clean_contact(sources: Sources) -> None:
    rng = sources.rng
    contact = _new_contact(sources, created_days_ago=(40, 330))
    purpose = rng.choice(MARKETING_PURPOSES)
    opted_in = contact.created_at + timedelta(minutes=rng.randint(1, 90))
    _consent(sources, contact, purpose, "opt_in", opted_in)
    if rng.random() < 0.3:
        _consent(sources, contact, "service.updates", "opt_in", opted_in)
    ends = sources.as_of - timedelta(days=1)
    withdrawal = rng.random()
    if withdrawal < 0.08:  # withdrew recently by web form (recent: not yet due for retention)
        ends = sources.as_of - timedelta(minutes=rng.randint(3 * 1440, 20 * 1440))
        _consent(sources, contact, purpose, "opt_out", ends, method="web_form")
    elif withdrawal < 0.14:  # replied with an opt-out keyword, recorded within minutes
        ends = sources.as_of - timedelta(minutes=rng.randint(3 * 1440, 20 * 1440))
        _reply(sources, contact, rng.choice(OPT_OUT_WORDS[contact.language]), ends)
        _consent(sources, contact, purpose, "opt_out", ends + timedelta(minutes=rng.randint(1, 30)), method="keyword")
    for day in _send_days(rng, opted_in, ends, count=rng.randint(0, 4)):
        body = rng.choice(OFFERS[contact.language]).format(s=SENDER)
        sent = _send_time(contact, day, rng)
        if sent and opted_in < sent < ends:
            _message(sources, contact, _child_purpose(rng, purpose), body, sent)
    if rng.random() < 0.2:
        _message(sources, contact, "account.security",
                 f"{SENDER}: your sign-in code is {rng.randint(100000, 999999)}", opted_in + timedelta(minutes=3))
    if rng.random() < 0.15 and ends > opted_in + timedelta(days=2):
        _reply(sources, contact, rng.choice(CHATTER[contact.language]), opted_in + timedelta(days=1, hours=2))
    if rng.random() < 0.05 and ends > opted_in + timedelta(days=3):
        asked = opted_in + timedelta(days=2, hours=3)
        _reply(sources, contact, rng.choice(["HELP", "info"]), asked)
        _message(sources, contact, "service.updates",
                 f"{SENDER} help: see acme.example/help or reply STOP to opt out", asked + timedelta(minutes=7))


def _new_contact(sources: Sources, created_days_ago: tuple[int, int], region: str | None = None,
                 number_type: PhoneNumberType | None = None) -> Contact:
    rng = sources.rng
    region, language = _pick_country(rng, region)
    number = _unique_number(sources, region, number_type)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    hint_given = rng.random() < 0.9
    phone = _typed_format(rng, number, region if hint_given else None)
    created = sources.as_of - timedelta(days=rng.randint(*created_days_ago), minutes=rng.randint(0, 1439))
    contact = Contact(
        contact_id=sources.next_id("c", sources.contacts), region=region if hint_given else None,
        language=language, e164=e164, phone=phone,
        zones=tuple(timezone.time_zones_for_number(number)), created_at=created,
    )
    _add_contact(sources, contact, phone)
    return contact


def _add_contact(sources: Sources, contact: Contact, phone: str) -> None:
    sources.contacts.append({
        "contact_id": contact.contact_id, "phone": phone, "country": contact.region,
        "created_at": contact.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        "last_activity_at": (sources.as_of - timedelta(minutes=sources.rng.randint(60, 30 * 1440))).strftime("%Y-%m-%d %H:%M:%S"),
    })


def _pick_country(rng: random.Random, region: str | None) -> tuple[str, str]:
    if region:
        return region, next(language for code, language, _ in COUNTRIES if code == region)
    code, language, _ = rng.choices(COUNTRIES, weights=[weight for *_, weight in COUNTRIES])[0]
    return code, language


def _unique_number(sources: Sources, region: str, number_type: PhoneNumberType | None) -> phonenumbers.PhoneNumber:
    """A valid number of the region (mobile unless asked), new to this data set."""
    wanted = {number_type} if number_type is not None else MOBILE_TYPES
    example = phonenumbers.example_number_for_type(region, number_type if number_type is not None else PhoneNumberType.MOBILE)
    digits = phonenumbers.national_significant_number(example)
    for _ in range(100_000):
        varied = digits[:-5] + f"{sources.rng.randint(0, 99999):05d}"
        number = phonenumbers.parse(f"+{example.country_code}{varied}")
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in wanted \
                and e164 not in sources.used_numbers:
            sources.used_numbers.add(e164)
            return number
    raise RuntimeError(f"no new {region} number of the wanted type: the data set is too large for {region}")


def _typed_format(rng: random.Random, number: phonenumbers.PhoneNumber, hint: str | None) -> str:
    """The number as a person types it; national forms only when the country hint is given."""
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    styles = [international, e164, international.replace(" ", "-")]
    if hint:  # national forms, and the 00 dialling prefix, need the country
        styles += ["00" + international[1:], national, national.replace(" ", ""), national.replace(" ", "-"), national]
    typed = rng.choice(styles)
    try:  # the generator writes only what parses back to the same number
        same = phonenumbers.format_number(phonenumbers.parse(typed, hint), PhoneNumberFormat.E164) == e164
    except phonenumbers.NumberParseException:
        same = False
    return typed if same else e164


def _child_purpose(rng: random.Random, purpose: str) -> str:
    """The consented purpose or, for consent to `marketing`, one of its children."""
    return rng.choice(MARKETING_PURPOSES[1:]) if purpose == "marketing" and rng.random() < 0.5 else purpose


def _send_days(rng: random.Random, start: datetime, end: datetime, count: int) -> list[date]:
    """Distinct days between start and end, at least two days apart (never two sends in 24 h)."""
    first, last = (start + timedelta(days=1)).date(), (end - timedelta(days=1)).date()
    span = (last - first).days
    if span < 2:
        return []
    days = sorted(rng.sample(range(0, span + 1, 2), min(count, span // 2 + 1)))
    return [first + timedelta(days=offset) for offset in days]


def _send_time(contact: Contact, day: date, rng: random.Random, hours: tuple[int, int] = SAFE_HOURS) -> datetime | None:
    """A UTC instant on `day` that is within `hours` local time in every zone of the number."""
    fitting = [
        instant
        for hour in range(24)
        for instant in [datetime.combine(day, time(hour, rng.choice((0, 15, 30))), UTC)]
        if all(hours[0] <= instant.astimezone(ZoneInfo(zone)).hour < hours[1] for zone in contact.zones)
    ]
    return rng.choice(fitting) if fitting else None


def _consent(sources: Sources, contact: Contact, purpose: str, action: str, at: datetime,
             method: str | None = None, missing: str | None = None) -> str:
    """A consent event; an opt_in carries its evidence (method, notice version) except `missing`."""
    event_id = sources.next_id("ev", sources.consents)
    sources.consents.append({
        "event_id": event_id, "contact_id": contact.contact_id, "purpose": purpose, "action": action,
        "method": None if missing == "method" else method or sources.rng.choice(METHODS),
        "occurred_at": _iso(at),
        "notice_version": sources.rng.choice(NOTICES) if action == "opt_in" and missing != "notice_version" else None,
        "source": "crm-export",
    })
    return event_id


def _message(sources: Sources, contact: Contact, purpose: str, body: str, at: datetime) -> str:
    message_id = sources.next_id("msg", sources.messages)
    sources.messages.append({
        "message_id": message_id, "contact_id": contact.contact_id, "to_phone": contact.e164,
        "purpose": purpose, "campaign_id": f"cmp-{at:%Y%m}", "sender_id": SENDER, "body": body,
        "sent_at": _iso(at),
    })
    return message_id


def _reply(sources: Sources, contact: Contact, body: str, at: datetime) -> str:
    inbound_id = sources.next_id("in", sources.inbound)
    sources.inbound.append({
        "inbound_id": inbound_id, "from_phone": contact.e164, "body": body,
        "received_at": at.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
    })
    return inbound_id


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the planted violations ---------------------------------------------------------------

def _plant_everything(sources: Sources, planted: cases.Sources) -> None:
    """Every check's catch case (sql/checks/<name>.cases.yaml), among the population."""
    for table, rows in planted.tables.items():
        getattr(sources, table).extend(rows)
    sources.planted.extend({"check": check, "record_table": table, "record_id": record_id}
                           for check, table, record_id in sorted(planted.finds))


def _case_numbers(planted: cases.Sources) -> set[str]:
    """The E.164 numbers of the planted cases, kept out of the population."""
    numbers = set()
    for row in planted.tables["contacts"]:
        try:
            number = phonenumbers.parse(row["phone"], row.get("country"))
        except phonenumbers.NumberParseException:
            continue
        numbers.add(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    return numbers | {row["from_phone"] for row in planted.tables["inbound"]}


def _write(sources: Sources, out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "contacts": sources.contacts,
        "consents": sources.consents,
        "messages": sorted(sources.messages, key=lambda m: m["sent_at"]),
        "inbound": sorted(sources.inbound, key=lambda m: m["received_at"]),
        "deactivations": sources.deactivations,
    }
    tables = {name: (rows, cases.columns(name, rows)) for name, rows in tables.items()}
    tables["planted_violations"] = (sources.planted, PLANTED_FIELDS)
    counts = {}
    for name, (rows, columns) in tables.items():
        frame = pl.from_dicts(rows, schema={column: pl.String for column in columns})
        frame.write_csv(out / f"{name}.csv")
        counts[name] = frame.height
    return counts

"""Phone numbers as phonenumbers (Google's libphonenumber metadata) understands them."""

from __future__ import annotations

from typing import NamedTuple

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType, timezone

from listwarden.keys import subject_hash

PARSER_VERSION = phonenumbers.__version__
LINE_TYPE_NAMES = {value: name for name, value in vars(PhoneNumberType).items() if name.isupper()}
_UNKNOWN_ZONE = "Etc/Unknown"


class ParsedNumber(NamedTuple):
    raw: str | None
    default_region: str | None
    e164: str | None
    is_valid: bool
    line_type: str | None
    region: str | None
    time_zones: list[str]
    national_number: str | None
    subject: str
    parser_version: str


def parse(raw: str | None, default_region: str | None, key: str) -> ParsedNumber:
    """Parse with the contact's country as default region. Only a valid number gets an E.164.

    The subject is the keyed hash of the E.164 of a valid number, else of the value as typed.
    """
    parsed = None
    if raw and raw.strip():
        try:
            parsed = phonenumbers.parse(raw, default_region)
        except phonenumbers.NumberParseException:
            parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        return ParsedNumber(
            raw, default_region, None, False, None, None, [], None,
            subject_hash((raw or "").strip(), key), PARSER_VERSION,
        )
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    zones = [zone for zone in timezone.time_zones_for_number(parsed) if zone != _UNKNOWN_ZONE]
    return ParsedNumber(
        raw,
        default_region,
        e164,
        True,
        LINE_TYPE_NAMES[phonenumbers.number_type(parsed)],
        phonenumbers.region_code_for_number(parsed),
        zones,
        phonenumbers.national_significant_number(parsed),
        subject_hash(e164, key),
        PARSER_VERSION,
    )

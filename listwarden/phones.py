"""Phone numbers as phonenumbers (Google's libphonenumber metadata) understands them.

`parse` gives, for a value as typed and a default region, exactly what phonenumbers says:
validity, line type, E.164, region and time zones (tests/test_phones_all_regions.py walks every
region and type against the library's own public functions). It calls each expensive function
once: validity is `number_type != UNKNOWN` (what `is_valid_number` computes), and time zones come
from the line type already known instead of `time_zones_for_number` working it out again.
"""

from __future__ import annotations

from typing import NamedTuple

import phonenumbers
import pyarrow as pa
from phonenumbers import PhoneNumberFormat, PhoneNumberType, timezone

from listwarden.keys import subject_hash

PARSER_VERSION = phonenumbers.__version__
LINE_TYPE_NAMES = {value: name for name, value in vars(PhoneNumberType).items() if name.isupper()}
_UNKNOWN_ZONE = "Etc/Unknown"
_country_zones: dict[int, tuple[str, ...]] = {}

SCHEMA = pa.schema([
    ("raw", pa.string()), ("default_region", pa.string()), ("e164", pa.string()), ("is_valid", pa.bool_()),
    ("line_type", pa.string()), ("region", pa.string()), ("time_zones", pa.list_(pa.string())),
    ("national_number", pa.string()), ("subject", pa.string()), ("parser_version", pa.string()),
])


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
    number = _parse_or_none(raw, default_region)
    line_type = phonenumbers.number_type(number) if number is not None else PhoneNumberType.UNKNOWN
    if line_type == PhoneNumberType.UNKNOWN:
        return ParsedNumber(raw, default_region, None, False, None, None, [], None,
                            subject_hash((raw or "").strip(), key), PARSER_VERSION)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return ParsedNumber(
        raw, default_region, e164, True, LINE_TYPE_NAMES[line_type], phonenumbers.region_code_for_number(number),
        _time_zones(number, line_type), phonenumbers.national_significant_number(number),
        subject_hash(e164, key), PARSER_VERSION,
    )


def parse_batch(batch: pa.RecordBatch, key: str) -> pa.RecordBatch:
    """Parse a batch of (raw, default_region) into a batch of SCHEMA (what worker processes run)."""
    phonenumbers.enable_pattern_cache()
    raws, regions = batch.column("raw").to_pylist(), batch.column("default_region").to_pylist()
    columns = list(zip(*(parse(raw, region, key) for raw, region in zip(raws, regions)))) or [()] * len(SCHEMA)
    return pa.RecordBatch.from_arrays(
        [pa.array(list(column), type=field.type) for column, field in zip(columns, SCHEMA)], schema=SCHEMA
    )


def _parse_or_none(raw: str | None, default_region: str | None) -> phonenumbers.PhoneNumber | None:
    if not raw or not raw.strip():
        return None
    try:
        return phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None


def _time_zones(number: phonenumbers.PhoneNumber, line_type: int) -> list[str]:
    """time_zones_for_number, without computing the line type a second time."""
    if phonenumbers.is_number_type_geographical(line_type, number.country_code):
        zones = timezone.time_zones_for_geographical_number(number)
    else:  # non-geographic numbers get the zones of their country code
        zones = _country_zones.get(number.country_code)
        if zones is None:
            zones = _country_zones[number.country_code] = timezone.time_zones_for_number(number)
    return [zone for zone in zones if zone != _UNKNOWN_ZONE]

"""phones.parse agrees with phonenumbers' own public functions for every region and line type,
on the library's example numbers and on corrupted variants of them."""

import phonenumbers
import pyarrow as pa
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType, timezone

from listwarden import keys
from listwarden.phones import LINE_TYPE_NAMES, parse, parse_batch

KEY = "all-regions"
REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
TYPES = [value for name, value in vars(PhoneNumberType).items() if name.isupper() and name != "UNKNOWN"]
FULL_WIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def expected(raw, region):
    """What phonenumbers says, through its public API only."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return (None, False, None, None, [])
    if not phonenumbers.is_valid_number(number):
        return (None, False, None, None, [])
    zones = [z for z in timezone.time_zones_for_number(number) if z != "Etc/Unknown"]
    return (phonenumbers.format_number(number, PhoneNumberFormat.E164), True,
            LINE_TYPE_NAMES[phonenumbers.number_type(number)], phonenumbers.region_code_for_number(number), zones)


def variants(number, region, other_region):
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    return [
        (e164, None), (e164, region), (national, region), (international, region), (international, None),
        (national, other_region),  # wrong country hint
        (national, None),  # no hint for a national number
        (e164[:-1], region), (e164 + "7", region), (e164[:4] + e164[5:], region),  # dropped, added digits
        (national.replace(national[-2], "x"), region), (international + " ext. 12", region),
        (e164.translate(FULL_WIDTH), region), (national.translate(ARABIC_INDIC), region),
        (e164 + "0" * 30, region),
    ]


def cases():
    for index, region in enumerate(REGIONS):
        other = REGIONS[(index + 7) % len(REGIONS)]
        for line_type in TYPES:
            number = phonenumbers.example_number_for_type(region, line_type)
            if number is not None:
                yield from variants(number, region, other)
    for calling_code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):  # +800, +870, ...
        number = phonenumbers.example_number_for_non_geo_entity(calling_code)
        if number is not None:
            yield from variants(number, "001", REGIONS[calling_code % len(REGIONS)])
    for raw in ("", "   ", "()-.+ ", "+", "0", "not a number", "1" * 31, None):
        for region in ("US", "GB", None):
            yield (raw, region)


CASES = sorted(set(cases()), key=repr)


def test_the_walk_covers_every_region_and_many_types():
    regions = {region for _, region in CASES if region}
    assert regions >= set(REGIONS) and len(REGIONS) > 240
    assert len(CASES) > 15_000


def test_parse_agrees_with_phonenumbers_on_every_case():
    disagreements = []
    for raw, region in CASES:
        ours = parse(raw, region, KEY)
        if (ours.e164, ours.is_valid, ours.line_type, ours.region, ours.time_zones) != expected(raw, region):
            disagreements.append((raw, region))
    assert not disagreements, f"{len(disagreements)} disagreements, first {disagreements[:5]}"


def test_subjects_are_keyed_hashes_of_e164_or_of_what_was_typed():
    for raw, region in CASES[:2000]:
        ours = parse(raw, region, KEY)
        assert ours.subject == keys.subject_hash(ours.e164 if ours.is_valid else (raw or "").strip(), KEY)


def test_a_batch_parses_like_single_values():
    sample = CASES[:500]
    batch = pa.RecordBatch.from_pydict({"raw": [r for r, _ in sample], "default_region": [g for _, g in sample]})
    parsed = parse_batch(batch, KEY).to_pylist()
    assert [row["e164"] for row in parsed] == [parse(r, g, KEY).e164 for r, g in sample]
    assert parse_batch(batch.slice(0, 0), KEY).num_rows == 0


@pytest.mark.parametrize(("raw", "region", "line_type"), [
    ("+1 201-555-0123", None, "FIXED_LINE_OR_MOBILE"), ("(506) 234-5678", "CA", "FIXED_LINE_OR_MOBILE"),
    ("+44 7400 123456", None, "MOBILE"),
])
def test_fixed_line_or_mobile_is_its_own_line_type(raw, region, line_type):
    assert parse(raw, region, KEY).line_type == line_type


def test_the_accuracy_job_agrees_with_phonenumbers_on_every_case(tmp_path, policy):
    """The same walk through the whole job: CSV source, DuckDB, the parse cache, core.contacts."""
    from support import contact, run_engine, write_source

    from listwarden.warehouse import open_warehouse

    contacts = [contact(f"c{index}", raw or "", region) for index, (raw, region) in enumerate(CASES)]
    warehouse_path = tmp_path / "warehouse.duckdb"
    run_engine(write_source(tmp_path / "source", contacts=contacts), warehouse_path, policy)
    with open_warehouse(warehouse_path) as connection:
        rows = connection.execute(
            "SELECT contact_id, e164, is_valid, line_type, region, time_zones FROM core.contacts").fetchall()
    ours = {contact_id: (e164, valid, line_type, region, zones) for contact_id, e164, valid, line_type, region, zones in rows}
    assert len(ours) == len(CASES)
    disagreements = [case for index, case in enumerate(CASES) if ours[f"c{index}"] != expected(*case)]
    assert not disagreements, f"{len(disagreements)} disagreements, first {disagreements[:5]}"


def metadata_bounds() -> tuple[int, int]:
    """The fewest and most digits (country code and national number) of a number phonenumbers can
    call valid, from every region's and non-geographic code's possible lengths."""
    metadata = [phonenumbers.PhoneMetadata.metadata_for_region(region) for region in phonenumbers.SUPPORTED_REGIONS]
    metadata += [phonenumbers.PhoneMetadata.metadata_for_nongeo_region(code)
                 for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS]
    lengths = [len(str(m.country_code)) + length for m in metadata
               for description in (m.general_desc, *(getattr(m, name) for name in (
                   "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number", "voip",
                   "pager", "uan", "voicemail")))
               if description is not None for length in description.possible_length if length > 0]
    return min(lengths), max(lengths)


@pytest.mark.parametrize("gate", ["accuracy.output", "compliance.output"])
def test_the_e164_shape_the_gates_check_is_exactly_what_the_metadata_allows(gate):
    """A gate stricter than phonenumbers would stop a night on one odd but valid number."""
    import re

    from listwarden.gates import load_suite

    (query,) = [e["kwargs"]["unexpected_rows_query"] for e in load_suite(gate)["expectations"]
                if e["meta"].get("column") == "e164"]
    fewer, more = map(int, re.search(r"\[0-9\]\{\{(\d+),(\d+)\}\}", query).groups())
    assert (fewer + 1, more + 1) == metadata_bounds()  # the first digit is outside the braces


def test_a_valid_number_of_six_digits_passes_every_gate(tmp_path, policy):
    from support import contact, run_engine, write_source

    shortest = "+989601"  # Iran's example UAN number: valid, six digits after the +
    assert phonenumbers.is_valid_number(phonenumbers.parse(shortest, None))
    source = write_source(tmp_path / "source", contacts=[contact("c-short", shortest, country="IR"), contact("c-2")])
    run_engine(source, tmp_path / "warehouse.duckdb", policy, with_gates=True)  # GateFailed would stop it

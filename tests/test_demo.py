"""The demo generator: deterministic, realistic, every check planted."""

import csv
from datetime import date

import phonenumbers

from listwarden.checks import CHECKS
from listwarden.demo import generate

AS_OF = date(2026, 11, 1)


def read(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_same_seed_and_day_give_the_same_bytes(tmp_path):
    generate(tmp_path / "a", contacts=200, seed=3, as_of=AS_OF)
    generate(tmp_path / "b", contacts=200, seed=3, as_of=AS_OF)
    generate(tmp_path / "c", contacts=200, seed=4, as_of=AS_OF)
    files = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert (tmp_path / "a" / "contacts.csv").read_bytes() != (tmp_path / "c" / "contacts.csv").read_bytes()


def test_every_check_of_the_vocabulary_is_planted(demo_source):
    planted = read(demo_source / "planted_violations.csv")
    assert {row["check"] for row in planted} == {check.name for check in CHECKS}


def test_numbers_come_from_many_countries_in_the_forms_people_type(demo_source):
    contacts = read(demo_source / "contacts.csv")
    assert len(contacts) == 300
    regions = set()
    for row in contacts:
        try:
            regions.add(phonenumbers.region_code_for_number(phonenumbers.parse(row["phone"], row["country"] or None)))
        except phonenumbers.NumberParseException:
            pass
    assert len(regions) >= 8
    phones = [row["phone"] for row in contacts]
    assert any(p.startswith("+") and " " in p for p in phones)  # international with spaces
    assert any(p.startswith("+") and p[1:].isdigit() for p in phones)  # E.164
    assert any(p.startswith("0") and not p.startswith("00") for p in phones)  # national
    assert any(p.startswith("00") for p in phones)  # international dialling prefix
    assert any("-" in p for p in phones) and any("(" in p for p in phones)
    assert any(not row["country"] for row in contacts)


def test_inbound_holds_keywords_in_several_languages_and_chatter(tmp_path):
    # one in sixteen contacts opts out by reply, in the language of its country: a list of 2,000
    # holds every language's (the 300 of the shared demo source may miss Russian or Chinese)
    generate(tmp_path, contacts=2000, seed=11, as_of=AS_OF)
    bodies = {row["body"] for row in read(tmp_path / "inbound.csv")}
    assert {"STOP", "Arrêt", "HELP"} <= bodies
    assert bodies & {"BAJA", "Alto"} and bodies & {"СТОП", "Отписаться"} and bodies & {"退订", "TD"}
    assert "can you stop by the store at 5?" in bodies or "Thanks!" in bodies

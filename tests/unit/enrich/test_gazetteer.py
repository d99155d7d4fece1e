"""The gazetteer: names, alternate names, demonyms, curated regions and homonyms."""

from __future__ import annotations

import pytest

from wirewatch.enrich.gazetteer import Gazetteer, normalise_name

from .conftest import km_between


def _places(gaz: Gazetteer, name: str) -> list[tuple[str, str, str]]:
    return [(c.place.name, c.place.kind, c.place.country) for c in gaz.lookup(name)]


@pytest.mark.parametrize("name", ["Stepanakert", "Khankendi", "Xankəndi", "Степанакерт"])
def test_stepanakert_and_khankendi_are_one_city_in_azerbaijan(gazetteer: Gazetteer, name: str) -> None:
    [candidate] = gazetteer.lookup(name)
    place = candidate.place
    assert (place.name, place.kind, place.country) == ("Stepanakert", "city", "AZ")
    assert km_between(place.lat, place.lon, 39.8153, 46.7519) < 1


@pytest.mark.parametrize("name", ["Nagorno-Karabakh", "Nagorno Karabakh", "Karabakh", "Bergkarabach", "Artsakh"])
def test_nagorno_karabakh_is_a_region_of_azerbaijan(gazetteer: Gazetteer, name: str) -> None:
    [candidate] = gazetteer.lookup(name)
    assert (candidate.place.name, candidate.place.kind, candidate.place.country) == ("Nagorno-Karabakh", "region", "AZ")
    assert km_between(candidate.place.lat, candidate.place.lon, 39.8, 46.75) < 50


@pytest.mark.parametrize(
    ("name", "country"),
    [("Donbas", "UA"), ("Gaza Strip", "PS"), ("West Bank", "PS"), ("Darfur", "SD"), ("Tigray", "ET"), ("Crimea", "UA")],
)
def test_curated_conflict_regions(gazetteer: Gazetteer, name: str, country: str) -> None:
    assert (name, "region", country) in _places(gazetteer, name)


def test_country_names_aliases_and_possessives(gazetteer: Gazetteer) -> None:
    assert _places(gazetteer, "Azerbaijan's") == [("Azerbaijan", "country", "AZ")]
    assert _places(gazetteer, "The Republic of Azerbaijan") == [("Azerbaijan", "country", "AZ")]
    assert _places(gazetteer, "U.S.") == [("United States", "country", "US")]
    assert _places(gazetteer, "Aserbaidschan") == [("Azerbaijan", "country", "AZ")]


def test_a_country_name_shadows_a_city_alternate_name(gazetteer: Gazetteer) -> None:
    # GeoNames lists "Bangladesh" among the alternate names of a Yerevan district.
    assert _places(gazetteer, "Bangladesh") == [("Bangladesh", "country", "BD")]


def test_short_codes_are_not_alternate_names(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("BAK") == []  # Baku's airport code
    assert gazetteer.lookup("us") == []  # the pronoun is not the country


@pytest.mark.parametrize(
    ("word", "country"),
    [
        ("Azerbaijani", "AZ"),
        ("Azeri", "AZ"),
        ("Armenian", "AM"),
        ("Armenians", "AM"),
        ("Russian", "RU"),
        ("Ukrainian", "UA"),
        ("French", "FR"),
    ],
)
def test_demonyms(gazetteer: Gazetteer, word: str, country: str) -> None:
    assert gazetteer.demonym(word) == country


def test_demonyms_are_case_sensitive(gazetteer: Gazetteer) -> None:
    assert gazetteer.demonym("french") is None  # "french fries" is not about France


def test_homonyms_keep_every_candidate_with_population(gazetteer: Gazetteer) -> None:
    paris = [c.place for c in gazetteer.lookup("Paris") if c.primary]
    assert {p.country for p in paris} >= {"FR", "US"}
    assert max(paris, key=lambda p: p.population).country == "FR"


def test_country_centres_lie_inside_the_country(gazetteer: Gazetteer) -> None:
    azerbaijan = gazetteer.country("AZ")
    assert azerbaijan is not None
    assert 38.4 < azerbaijan.lat < 41.9
    assert 44.8 < azerbaijan.lon < 50.4


def test_normalise_name() -> None:
    assert normalise_name("The  Gaza\u2013Strip\u2019s") == "gaza strip"
    assert normalise_name("Xankəndi") == normalise_name("XANKƏNDI")
    assert normalise_name("Azerbaïdjan") == "azerbaidjan"

"""Place resolution: pick one place per mention among homonyms, then rank places and countries by salience.

Homonyms are settled by context first (a Paris in an article about Texas is Paris, TX): the countries the
article names outright (country names, demonyms, places that exist in one country only) make their candidates
win; then curated supplement entries, the place's own name over an alternate name, and population.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from wirewatch.contracts import Place

from .document import Document
from .gazetteer import Candidate, Gazetteer, GazetteerPlace
from .mentions import Mentions, PlaceMention

TITLE_WEIGHT = 3.0  # a mention in the headline says more about what the article is about than one in the body
_CONTEXT_BONUS = 4.0
_CURATED_BONUS = 3.0
_PRIMARY_BONUS = 2.0
# A city matched by an alternate name from the gazetteer scan (non-English text) needs corroboration.
_MIN_POPULATION_UNCORROBORATED = 100_000
_BIG_CITY = 1_000_000


@dataclass(frozen=True, slots=True)
class GeoResult:
    places: list[Place]
    countries: list[str]
    primary_place: Place | None
    # Every place mention's resolution by its start offset (None: no credible candidate), for offline evaluation.
    resolved: dict[int, GazetteerPlace | None]


def _weight(doc: Document, start: int) -> float:
    return TITLE_WEIGHT if doc.in_title(start) else 1.0


def _context(doc: Document, mentions: Mentions) -> dict[str, float]:
    """Countries the article names unambiguously, with their weight."""
    scores: dict[str, float] = defaultdict(float)
    for evidence in mentions.countries:
        scores[evidence.country] += _weight(doc, evidence.start)
    for mention in mentions.places:
        countries = {c.place.country for c in mention.candidates if c.place.country}
        if len(countries) == 1 and len(mention.candidates) == len([c for c in mention.candidates if c.place.country]):
            scores[countries.pop()] += _weight(doc, mention.start)
    return scores


def _score(candidate: Candidate, context: dict[str, float]) -> float:
    place = candidate.place
    if place.kind == "country":
        return 100.0
    score = math.log10(place.population + 1) / 2
    if place.curated:
        score += _CURATED_BONUS
    if candidate.primary:
        score += _PRIMARY_BONUS
    if place.country in context:
        score += _CONTEXT_BONUS
    return score


def choose(mention: PlaceMention, context: dict[str, float]) -> GazetteerPlace | None:
    """The place ``mention`` most likely names, or None when nothing is credible enough."""
    candidates = list(mention.candidates)
    if mention.source == "scan":
        candidates = [
            c
            for c in candidates
            if c.place.kind != "city"
            or c.primary
            or c.place.country in context
            or c.place.population >= _MIN_POPULATION_UNCORROBORATED
        ]
    if not candidates:
        return None
    country = next((c.place for c in candidates if c.place.kind == "country"), None)
    if country is not None and not context.get(country.country):
        # Georgia the US state over Georgia the country when the article is about the US and not about Georgia.
        region = next((c.place for c in candidates if c.place.kind == "region" and context.get(c.place.country)), None)
        return region or country
    chosen = max(candidates, key=lambda c: (_score(c, context), c.place.population)).place
    if chosen.kind == "region":
        # A region named like a capital or a city of millions is, in the news, mostly that city (New York,
        # Washington, Mexico City's state aside) unless the region's own country is not the city's.
        city = next(
            (
                c.place
                for c in candidates
                if c.primary
                and c.place.kind == "city"
                and c.place.country == chosen.country
                and (c.place.capital or c.place.population >= _BIG_CITY)
            ),
            None,
        )
        return city or chosen
    return chosen


def _to_place(place: GazetteerPlace, start: int | None, end: int | None) -> Place:
    return Place(
        name=place.name,
        geonameid=place.geonameid,
        lat=round(place.lat, 5),
        lon=round(place.lon, 5),
        country=place.country,
        admin1=place.admin1,
        start=start,
        end=end,
    )


def resolve_places(doc: Document, mentions: Mentions, gaz: Gazetteer) -> GeoResult:
    """Resolve every place mention and rank places and countries, most salient first."""
    context = _context(doc, mentions)
    place_weight: dict[str, float] = defaultdict(float)
    first: dict[str, tuple[GazetteerPlace, int, int]] = {}
    country_score: dict[str, float] = defaultdict(float)
    country_first: dict[str, int] = {}
    for evidence in mentions.countries:
        country_score[evidence.country] += _weight(doc, evidence.start)
        country_first.setdefault(evidence.country, evidence.start)
    resolved: dict[int, GazetteerPlace | None] = {}
    for mention in mentions.places:
        place = resolved[mention.start] = choose(mention, context)
        if place is None or place.kind == "continent":  # a continent has no country: not a contract Place
            continue
        weight = _weight(doc, mention.start)
        place_weight[place.key] += weight
        first.setdefault(place.key, (place, mention.start, mention.end))
        country_score[place.country] += weight
        country_first.setdefault(place.country, mention.start)

    ranked_keys = sorted(place_weight, key=lambda k: (-place_weight[k], first[k][1]))
    places = [_to_place(*first[key]) for key in ranked_keys]
    countries = sorted(country_score, key=lambda c: (-country_score[c], country_first[c]))
    return GeoResult(places, countries, _primary(ranked_keys, first, countries, gaz), resolved)


def _primary(
    ranked_keys: list[str],
    first: dict[str, tuple[GazetteerPlace, int, int]],
    countries: list[str],
    gaz: Gazetteer,
) -> Place | None:
    """The most salient place below country level in one of the two leading countries, else the top country."""
    leading = set(countries[:2])
    for key in ranked_keys:
        place, start, end = first[key]
        if place.kind != "country" and place.country in leading:
            return _to_place(place, start, end)
    for key in ranked_keys:
        place, start, end = first[key]
        if place.kind == "country":
            return _to_place(place, start, end)
    if countries and (country := gaz.country(countries[0])) is not None:
        return _to_place(country, None, None)  # only demonyms named it: "Russian troops ..."
    return None

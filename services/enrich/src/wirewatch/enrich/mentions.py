"""Named-entity mentions: spaCy's entities corrected by the gazetteer, plus gazetteer matches spaCy missed.

spaCy's small English model errs on places it rarely saw (in the seed article it tags Nagorno-Karabakh as ORG and
Stepanakert as PERSON, and swallows a headline into one ORG). The rules here: a mention that names a gazetteer
place is a GPE (country, city) or LOC (region); a headline ORG that starts with a place and has no
organisation word is the place; demonyms count for their country. For text spaCy cannot read (not English) the
gazetteer scan is the only source, over multilingual alternate names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from wirewatch.contracts import Entity

from .document import Document
from .gazetteer import Candidate, Gazetteer, normalise_name

Label = Literal["PERSON", "ORG", "GPE", "LOC", "NORP"]
Source = Literal["ner", "scan"]

_KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
# Words that make a capitalised span an organisation even when it starts with a place ("Azerbaijan Airlines").
_ORG_WORDS = frozenset({
    "ministry", "ministries", "army", "forces", "force", "navy", "police", "council", "committee", "party", "bank",
    "company", "corp", "corporation", "inc", "ltd", "agency", "airlines", "airways", "university", "union", "front",
    "movement", "government", "parliament", "assembly", "court", "office", "service", "services", "guard", "guards",
    "command", "brigade", "battalion", "group", "organization", "organisation", "federation", "league",
    "association", "institute", "commission", "authority", "news", "times", "post", "tv", "radio", "television",
    "embassy",
})  # fmt: skip
# A city named by a PERSON/ORG span is only believed when it is big enough to be what the writer meant.
_MIN_POPULATION_FOR_RELABEL = 100_000
# "West Nile virus", "Ebola outbreak", "Marburg fever": a place name that names a disease is not a place mention.
_DISEASE_AFTER = re.compile(r"[ -](?:virus|fever|disease|flu|outbreak|vaccine|strain)s?\b", re.IGNORECASE)
# In English the gazetteer scan adds a city spaCy missed only when it is this big (Aleppo, not Reading or Bath).
_BIG_CITY = 1_000_000
# A word; French and Italian elisions ("l'Espagne", "d'Alger") are a word of their own, so the name after them counts.
_WORD = re.compile(r"\b[dlDL]['\u2019](?=[^\W\d_])|[^\W_][\w'\u2019.]*(?:-[^\W_][\w'\u2019]*)*")


@dataclass(frozen=True, slots=True)
class EntitySpan:
    text: str
    label: Label
    start: int
    end: int

    def as_entity(self) -> Entity:
        return Entity(text=self.text, label=self.label, start=self.start, end=self.end)


@dataclass(frozen=True, slots=True)
class PlaceMention:
    surface: str
    start: int
    end: int
    candidates: tuple[Candidate, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class CountryMention:
    """Evidence for a country that is not itself a place mention: a demonym or a country inside an ORG name."""

    country: str
    start: int


@dataclass(slots=True)
class Mentions:
    entities: list[EntitySpan] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    countries: list[CountryMention] = field(default_factory=list)
    # ORG spans that name a town the gazetteer knows: places if the article is about that town's country.
    doubtful: list[tuple[EntitySpan, tuple[Candidate, ...]]] = field(default_factory=list)


def _without_possessive(surface: str) -> str:
    if len(surface) > 3 and surface[-2] in "'\u2019" and surface[-1] == "s":
        return surface[:-2]
    return surface


def _trim(text: str, start: int, end: int, gaz: Gazetteer) -> tuple[int, int]:
    """Shrink a span to its name: no surrounding space, quotes, punctuation, leading "the" or possessive "'s".

    A final dot stays when it belongs to the name ("U.S.", "Ky."); "The" stays when it is part of one (The Hague).
    """
    while start < end and (text[start].isspace() or text[start] in "\"'\u201c\u2018("):
        start += 1
    if text[start : start + 4].lower() == "the " and not gaz.lookup_exact(text[start:end]):
        name = text[start:end]
        if name[:4] == "the " or not any(c.primary and c.place.name.startswith("The ") for c in gaz.lookup(name)):
            start += 4
    for _ in range(2):  # trailing punctuation, then a possessive, then what was before the possessive
        while end > start and (text[end - 1].isspace() or text[end - 1] in '"\u201d),.;:'):
            if text[end - 1] == "." and gaz.is_abbreviation(text[start:end]):
                break
            end -= 1
        end = start + len(_without_possessive(text[start:end]))
    return start, end


def _place_label(candidates: tuple[Candidate, ...]) -> Label:
    return "LOC" if all(c.place.kind in {"region", "continent"} for c in candidates) else "GPE"


def _believable(candidates: list[Candidate]) -> tuple[Candidate, ...]:
    """Candidates strong enough to overrule spaCy's PERSON/ORG label."""
    return tuple(
        c
        for c in candidates
        if c.place.kind == "country"
        or c.place.curated
        or (c.primary and c.place.population >= _MIN_POPULATION_FOR_RELABEL)
    )


def _headline_place(
    doc: Document, gaz: Gazetteer, start: int, end: int
) -> tuple[int, int, tuple[Candidate, ...]] | None:
    """A headline ORG such as "Azerbaijan Launches New Military Operation" -> the place at its start."""
    words = list(_WORD.finditer(doc.analysed, start, end))
    if len(words) < 2 or any(w.group().lower() in _ORG_WORDS for w in words):
        return None
    for k in range(min(len(words) - 1, gaz.max_name_tokens), 0, -1):
        p_end = words[k - 1].end()
        candidates = _believable(gaz.lookup(doc.analysed[start:p_end]))
        if candidates:
            return start, p_end, candidates
    return None


def _nationality(gaz: Gazetteer, surface: str, start: int, end: int, out: Mentions) -> bool:
    """Record a NORP span; False when it is a place spaCy took for a nationality ("the destruction of Aleppo")."""
    if code := gaz.demonym(surface):
        out.countries.append(CountryMention(code, start))
    elif _believable(gaz.lookup(surface)):
        return False
    out.entities.append(EntitySpan(surface, "NORP", start, end))
    return True


def _from_ner(doc: Document, gaz: Gazetteer, spans: list[tuple[str, int, int]], out: Mentions) -> None:
    text = doc.analysed
    for label, raw_start, raw_end in spans:
        if label not in _KEPT_LABELS:
            continue
        start, end = _trim(text, raw_start, raw_end, gaz)
        if start < doc.title_end < end:
            end = _trim(text, start, doc.title_end, gaz)[1]
        if end <= start:
            continue
        surface = text[start:end]
        if label != "NORP" and _DISEASE_AFTER.match(text, end):
            continue
        if label == "NORP" and _nationality(gaz, surface, start, end, out):
            continue
        found = gaz.lookup(surface)
        candidates = tuple(found) if label in {"GPE", "LOC", "FAC"} else _believable(found)
        if candidates:
            out.places.append(PlaceMention(surface, start, end, candidates, "ner"))
            out.entities.append(EntitySpan(surface, _place_label(candidates), start, end))
            continue
        if label == "ORG" and doc.in_title(start) and (headline := _headline_place(doc, gaz, start, end)):
            p_start, p_end, cands = headline
            out.places.append(PlaceMention(text[p_start:p_end], p_start, p_end, cands, "ner"))
            out.entities.append(EntitySpan(text[p_start:p_end], _place_label(cands), p_start, p_end))
            continue
        if label == "FAC":
            continue  # facilities are not in the contract's label set unless they are places
        if label == "ORG" and found and " " not in surface:
            out.doubtful.append((EntitySpan(surface, "ORG", start, end), tuple(found)))
        if label in {"GPE", "LOC"} and (code := gaz.demonym(surface)):
            out.countries.append(CountryMention(code, start))
        out.entities.append(EntitySpan(surface, label, start, end))  # type: ignore[arg-type]


def _capitalised(surface: str) -> bool:
    first = surface[0]
    # Scripts without case (Arabic, Hebrew, CJK, ...) cannot signal a proper noun; accept them.
    return first.isupper() or (first.isalpha() and first.lower() == first.upper())


def _scan(doc: Document, gaz: Gazetteer, *, english: bool, out: Mentions) -> None:
    """Gazetteer matches in the gaps between NER entities (and country evidence inside ORG/PERSON names)."""
    text = doc.analysed
    taken = sorted((e.start, e.end, e.label) for e in out.entities)
    words = list(_WORD.finditer(text))
    resume = 0
    # Only a capitalised word can start a name; skipping the rest up front halves the scan's cost.
    for i in [k for k, w in enumerate(words) if _capitalised(w.group())]:
        if i < resume:
            continue  # inside the previous match
        match = _longest_match(text, words, i, gaz, english=english)
        if match is None:
            continue
        n, start, end, candidates, demonym, sure = match
        resume = i + n
        if _DISEASE_AFTER.match(text, end):
            continue
        inside = next((lbl for s, e, lbl in taken if s < end and start < e), None)
        if inside is not None:
            if inside in {"ORG", "PERSON"}:
                code = demonym or next((c.place.country for c in candidates if c.place.kind == "country"), None)
                if code:
                    out.countries.append(CountryMention(code, start))
            continue
        surface = text[start:end]
        if not sure:
            if _name_like(text, start, end, words, i + n):
                out.doubtful.append((EntitySpan(surface, "GPE", start, end), candidates))
            continue
        if demonym:
            out.countries.append(CountryMention(demonym, start))
            out.entities.append(EntitySpan(surface, "NORP", start, end))
        else:
            out.places.append(PlaceMention(surface, start, end, candidates, "scan"))
            out.entities.append(EntitySpan(surface, _place_label(candidates), start, end))


_Match = tuple[int, int, int, tuple[Candidate, ...], str | None, bool]  # n words, start, end, candidates, demonym, sure


def _longest_match(text: str, words: list[re.Match[str]], i: int, gaz: Gazetteer, *, english: bool) -> _Match | None:
    start = words[i].start()
    first = words[i].group()
    if not _capitalised(first):
        return None
    best: _Match | None = None
    for n in range(1, gaz.max_name_tokens + 1):
        if i + n > len(words):
            break
        end = words[i + n - 1].end()
        surface = text[start:end]
        if not gaz.is_abbreviation(surface):
            surface = _without_possessive(surface.rstrip("."))
        shouting = surface.isupper() and len(surface) > 3  # "TEHRAN (Tasnim) -" datelines and all-caps headlines
        if demonym := (None if shouting else gaz.demonym(surface)):
            best = (n, start, start + len(surface), (), demonym, True)
        else:
            candidates, sure = _scan_candidates(gaz, surface, english=english, shouting=shouting)
            if candidates:
                best = (n, start, start + len(surface), candidates, None, sure)
        if not gaz.knows_prefix(normalise_name(text[start:end])):
            break
    return best


def _scan_candidates(
    gaz: Gazetteer, surface: str, *, english: bool, shouting: bool
) -> tuple[tuple[Candidate, ...], bool]:
    """(candidates, sure): unsure candidates become places only if the article names their country."""
    if shouting:
        return tuple(gaz.lookup_exact(surface)), True  # only curated abbreviations ("UAE") in capitals
    found = gaz.lookup(surface)
    if not english:
        return tuple(found), True
    # spaCy reads English; the scan only adds names that are rarely anything but a place: countries,
    # continents, first-level regions, curated places and the own names of cities of a million or more;
    # a city of 100k+ by its own name is a maybe (Winnipeg in a story about Canada, not Charlotte in one about Kenya).
    sure = [
        c for c in found if c.place.kind != "city" or c.place.curated or (c.primary and c.place.population >= _BIG_CITY)
    ]
    if sure:
        return tuple(sure), True
    return tuple(c for c in found if c.primary and c.place.population >= _MIN_POPULATION_FOR_RELABEL), False


def _name_like(text: str, start: int, end: int, words: list[re.Match[str]], following: int) -> bool:
    """Not the first word of a sentence (any capitalised word there) and not a first name ("Eugene Smith")."""
    before = text[:start].rstrip()
    if not before or before[-1] in '.!?:"\u201c' or text[start - 1 : start] == "\n":
        return False
    return following >= len(words) or not _capitalised(words[following].group())


def _settle_doubtful(out: Mentions) -> None:
    """spaCy often calls a town it does not know an organisation ("aid to Derna"). Believe the gazetteer when the
    article names the town's country anyway: Derna in a story about Libya is the Libyan city."""
    if not out.doubtful:
        return
    named = {c.country for c in out.countries}
    named |= {m.candidates[0].place.country for m in out.places if all(c.place.kind == "country" for c in m.candidates)}
    for entity, candidates in out.doubtful:
        in_context = tuple(c for c in candidates if c.place.country in named and c.place.kind != "continent")
        if not in_context:
            continue
        out.entities = [e for e in out.entities if e != entity]
        out.entities.append(EntitySpan(entity.text, _place_label(in_context), entity.start, entity.end))
        out.places.append(PlaceMention(entity.text, entity.start, entity.end, in_context, "ner"))


def find_mentions(
    doc: Document, gaz: Gazetteer, ner_spans: list[tuple[str, int, int]] | None, *, english: bool
) -> Mentions:
    """Entities, place mentions and country evidence in ``doc.analysed``; ``ner_spans`` are (label, start, end)."""
    out = Mentions()
    if ner_spans:
        _from_ner(doc, gaz, ner_spans, out)
    _scan(doc, gaz, english=english, out=out)
    _settle_doubtful(out)
    out.entities.sort(key=lambda e: (e.start, e.end))
    out.places.sort(key=lambda p: p.start)
    out.countries.sort(key=lambda c: c.start)
    return out

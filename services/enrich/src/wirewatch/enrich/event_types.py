"""Event type classifier: ACLED event types for conflict and unrest, IPTC media topics for everything else.

A weighted lexicon: each cue is a phrase pattern with a weight; a headline match counts ``TITLE_WEIGHT`` times.
Conflict and unrest are scored per ACLED event type (the sub-event type is the best-scoring sub-type of the
winner), other news per IPTC top-level topic. Transparent and fast, and good enough to route events; a learned
model can replace it behind the same function once labelled data exists.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from wirewatch.contracts import EventType

TITLE_WEIGHT = 2.0
# Evidence (weighted cue hits) at which a clear winner reaches about two thirds of full confidence.
_EVIDENCE_SCALE = 4.0

CONFLICT_TOPIC = "conflict, war and peace"


@dataclass(frozen=True, slots=True)
class Cue:
    pattern: re.Pattern[str]
    weight: float


def _cues(spec: dict[str, float]) -> tuple[Cue, ...]:
    return tuple(Cue(re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), weight) for pattern, weight in spec.items())


@dataclass(frozen=True, slots=True)
class Family:
    """One class the classifier can answer: an ACLED event type or an IPTC topic."""

    category: str
    type: str
    topic: str
    cues: tuple[Cue, ...]
    subtypes: tuple[tuple[str, tuple[Cue, ...]], ...] = ()
    default_subtype: str | None = None


_ACLED: tuple[Family, ...] = (
    Family(
        "conflict",
        "Battles",
        CONFLICT_TOPIC,
        _cues(
            {
                r"military operations?|offensives?|counter-?offensive": 2.0,
                r"fighting|clash(?:es|ed)?|battles?|firefights?|hostilities|combat": 2.0,
                r"armed forces|troops|soldiers|militants|rebels|insurgents|separatists|militia": 1.0,
                r"aggression|anti-terror(?:ist)? (?:operation|activities|measures)|assault|full-scale": 1.5,
                r"wars?|front ?lines?|frontline|ceasefire|truce": 1.0,
                r"killed|casualties|wounded": 0.5,
            }
        ),
        (
            ("Armed clash", _cues({r"clash(?:es|ed)?|fighting|firefights?|battles?|offensive": 1.0})),
            ("Government regains territory", _cues({r"regain(?:s|ed)?|recaptur(?:e|ed|es)|retak(?:e|es|en)": 2.0})),
            (
                "Non-state actor overtakes territory",
                _cues({r"(?:rebels|militants|insurgents) (?:seize|seized|capture|captured|take|took)": 3.0}),
            ),
        ),
        "Armed clash",
    ),
    Family(
        "conflict",
        "Explosions/Remote violence",
        CONFLICT_TOPIC,
        _cues(
            {
                r"explosions?|blasts?|detonat(?:ed|ion)": 2.0,
                r"shell(?:ing|ed|s)|artillery|missiles?|rockets?|mortars?|high-precision weapons": 2.0,
                r"air ?strikes?|drone (?:strikes?|attacks?)|bomb(?:ing|ed|s)?|warplanes?": 2.0,
                r"landmines?|mines|IEDs?|improvised explosive": 1.5,
            }
        ),
        (
            (
                "Shelling/artillery/missile attack",
                _cues({r"shell(?:ing|ed)|artillery|missiles?|rockets?|mortars?": 1.0, r"high-precision weapons": 1.0}),
            ),
            ("Air/drone strike", _cues({r"air ?strikes?|drones?|warplanes?|fighter jets?|bombers?": 1.0})),
            (
                "Remote explosive/landmine/IED",
                _cues({r"landmines?|IEDs?|improvised explosive|roadside bomb|car bomb": 1.0}),
            ),
            ("Suicide bomb", _cues({r"suicide (?:bomb(?:er|ing)?|attack(?:er)?)": 3.0})),
            ("Grenade", _cues({r"grenades?": 2.0})),
            ("Chemical weapon", _cues({r"chemical (?:weapons?|attack)|sarin|chlorine gas|nerve agent": 3.0})),
        ),
        "Shelling/artillery/missile attack",
    ),
    Family(
        "conflict",
        "Violence against civilians",
        CONFLICT_TOPIC,
        _cues(
            {
                r"massacre[sd]?|civilians? (?:were |was )?(?:killed|shot|attacked)|execut(?:ed|ions?)": 3.0,
                r"abduct(?:ed|ion|s)|kidnapp(?:ed|ing)|hostages?|forced disappearance": 2.0,
                r"rap(?:e|ed)|sexual violence": 2.0,
                r"ethnic cleansing|genocide|atrocit(?:y|ies)": 2.0,
            }
        ),
        (
            ("Attack", _cues({r"massacre[sd]?|killed|shot|attack(?:ed|s)?|execut(?:ed|ions?)": 1.0})),
            ("Abduction/forced disappearance", _cues({r"abduct(?:ed|ion|s)|kidnapp(?:ed|ing)|hostages?": 2.0})),
            ("Sexual violence", _cues({r"rap(?:e|ed)|sexual violence": 2.0})),
        ),
        "Attack",
    ),
    Family(
        "unrest",
        "Protests",
        CONFLICT_TOPIC,
        _cues(
            {
                r"protests?|protesters?|demonstrat(?:ion|ions|ors|ed)|rall(?:y|ies)|march(?:ed|es)": 2.0,
                r"sit-ins?|strikers|walkouts?|picket": 1.5,
            }
        ),
        (
            ("Peaceful protest", _cues({r"peaceful(?:ly)?|protest(?:s|ers)?|rall(?:y|ies)": 1.0})),
            ("Protest with intervention", _cues({r"arrested|detained|dispersed|tear gas|water cannon": 1.5})),
            (
                "Excessive force against protesters",
                _cues({r"protesters? (?:were )?(?:killed|shot)|live ammunition": 3.0}),
            ),
        ),
        "Peaceful protest",
    ),
    Family(
        "unrest",
        "Riots",
        CONFLICT_TOPIC,
        _cues({r"riots?|rioters?|rioting|looting|unrest|mob|set fire|torched": 2.0}),
        (
            ("Violent demonstration", _cues({r"riots?|rioters?|clashed with police|torched|set fire": 1.0})),
            ("Mob violence", _cues({r"mob|lynch(?:ed|ing)?|vigilantes?": 2.0})),
        ),
        "Violent demonstration",
    ),
    Family(
        "conflict",
        "Strategic developments",
        CONFLICT_TOPIC,
        _cues(
            {
                r"peace (?:deal|agreement|talks)|ceasefire agreement|signed an agreement|prisoner swap": 2.0,
                r"troop (?:build-?up|deployment)|mobiliz(?:ation|ed)|peacekeep(?:ers|ing)": 1.0,
                r"seized weapons|weapons cache|defused|intercepted": 1.5,
                r"withdr(?:ew|awal|aw)|handover|hand over control": 1.0,
            }
        ),
        (
            ("Agreement", _cues({r"agreement|deal|truce|ceasefire|prisoner swap": 1.0})),
            ("Arrests", _cues({r"arrest(?:ed|s)?|detain(?:ed)?": 1.0})),
            ("Disrupted weapons use", _cues({r"defused|intercepted|seized weapons|weapons cache": 1.5})),
            ("Non-violent transfer of territory", _cues({r"withdr(?:ew|awal|aw)|handover|hand over control": 1.0})),
            ("Headquarters or base established", _cues({r"base established|set up (?:a )?base|headquarters": 1.0})),
            ("Looting/property destruction", _cues({r"loot(?:ed|ing)|destroyed property|vandali[sz]ed": 1.5})),
            ("Change to group/activity", _cues({r"mobiliz(?:ation|ed)|deploy(?:ed|ment)|troop build-?up": 1.0})),
        ),
        "Other",
    ),
)


def _topic(category: str, topic: str, spec: dict[str, float]) -> Family:
    return Family(category, topic, topic, _cues(spec))


_IPTC: tuple[Family, ...] = (
    _topic(
        "politics",
        "politics",
        {
            r"elections?|vot(?:e|es|ers|ing)|ballots?|campaign(?:s|ing)?|polls?": 2.0,
            r"parliament|senate|congress|lawmakers|legislat(?:ion|ure)|bill": 1.5,
            r"president|prime minister|minister|government|cabinet|diplomat(?:s|ic)?|foreign ministry": 1.0,
            r"sanctions|summit|talks|treaty|spokesperson|spokesman|spokeswoman": 0.5,
        },
    ),
    _topic(
        "economy",
        "economy, business and finance",
        {
            r"econom(?:y|ic)|inflation|gdp|recession|interest rates?|central bank": 2.0,
            r"stocks?|shares|markets?|investors?|earnings|revenue|profits?|company|companies": 1.5,
            r"trade|tariffs?|exports?|imports?|prices?|oil|banks?|budget|debt": 1.0,
        },
    ),
    _topic(
        "disaster",
        "disaster, accident and emergency incident",
        {
            r"earthquakes?|floods?|flooding|hurricanes?|cyclones?|typhoons?|tsunamis?|wildfires?|landslides?": 3.0,
            r"crash(?:ed)?|derail(?:ed|ment)|collapsed?|disasters?|emergenc(?:y|ies)|evacuat(?:ed|ion)": 1.5,
            r"rescuers?|survivors|death toll|missing": 1.0,
        },
    ),
    _topic(
        "crime",
        "crime, law and justice",
        {
            r"police|arrest(?:ed|s)?|charged|suspects?|murder(?:ed)?|robbery|fraud|smuggling|trafficking": 2.0,
            r"courts?|trial|judge|prosecutors?|sentenced|convicted|lawsuit|verdict": 1.5,
            r"crimes?|criminal|investigation": 1.0,
        },
    ),
    _topic(
        "health",
        "health",
        {
            r"disease|outbreak|epidemic|pandemic|virus|vaccines?|infections?|cholera|covid(?:-19)?|ebola": 2.5,
            r"hospitals?|patients?|doctors?|health|medical|medicines?|cancer": 1.5,
        },
    ),
    _topic(
        "sport",
        "sport",
        {
            r"matches|match|tournament|championship|league|cup|olympics?|world cup|goals?|scored": 2.0,
            r"teams?|players?|coach|season|football|soccer|tennis|cricket|basketball|athletes?": 1.5,
        },
    ),
    _topic(
        "science",
        "science and technology",
        {
            r"scientists?|research(?:ers)?|study|discovery|space|nasa|satellites?|telescope": 2.0,
            r"technology|software|artificial intelligence|\bai\b|computers?|internet|cyber(?:attack|security)?": 1.5,
        },
    ),
    _topic(
        "environment",
        "environment",
        {
            r"climate change|global warming|emissions|carbon|pollution|deforestation|biodiversity": 2.5,
            r"environment(?:al)?|wildlife|species|drought|heatwave|weather|temperatures": 1.5,
        },
    ),
    _topic(
        "society",
        "society",
        {
            r"refugees?|migrants?|migration|asylum|humanitarian|aid|poverty|homeless(?:ness)?": 1.5,
            r"education|schools?|students?|teachers?|religio(?:n|us)|church|mosque|rights|women": 1.0,
            r"civilians|population|evacuation|corridors?": 0.5,
        },
    ),
    _topic(
        "culture",
        "arts, culture, entertainment and media",
        {
            r"film|movie|music|album|concert|festival|museum|art|artist|actors?|actress|celebrity|book|novel": 2.0,
            r"television|series|theatre|theater|award": 1.0,
        },
    ),
)
FAMILIES: tuple[Family, ...] = _ACLED + _IPTC


@dataclass(frozen=True, slots=True)
class Classification:
    event_type: EventType
    topics: list[str]


def _hits(cues: tuple[Cue, ...], title: str, body: str) -> float:
    return sum(
        cue.weight * (TITLE_WEIGHT * len(cue.pattern.findall(title)) + len(cue.pattern.findall(body))) for cue in cues
    )


def classify_event(title: str, body: str) -> Classification:
    """The event type of an article and its ranked IPTC-style topics."""
    scores = [(family, _hits(family.cues, title, body)) for family in FAMILIES]
    total = sum(score for _, score in scores)
    family, best = max(scores, key=lambda fs: fs[1])
    topic_scores: dict[str, float] = {}
    for fam, score in scores:
        if score > 0:
            topic_scores[fam.topic] = topic_scores.get(fam.topic, 0.0) + score
    topics = sorted(topic_scores, key=lambda t: -topic_scores[t])
    if best <= 0:
        return Classification(EventType(category="other", type="other", confidence=0.0), topics)
    # Share of the evidence times how much evidence there is: one stray cue word is never a confident call.
    confidence = (best / total) * (1 - math.exp(-best / _EVIDENCE_SCALE))
    subtype = family.default_subtype
    if family.subtypes:
        sub_scores = [(name, _hits(cues, title, body)) for name, cues in family.subtypes]
        name, sub_best = max(sub_scores, key=lambda ns: ns[1])
        if sub_best > 0:
            subtype = name
    event_type = EventType(
        category=family.category, type=family.type, subtype=subtype, confidence=round(min(1.0, confidence), 3)
    )
    return Classification(event_type, topics)


def score_families(title: str, body: str) -> dict[str, float]:
    """Every family's raw score, keyed ``category/type`` (for tests and offline tuning)."""
    return {f"{family.category}/{family.type}": _hits(family.cues, title, body) for family in FAMILIES}

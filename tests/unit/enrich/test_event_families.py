"""Hand-written articles, a few per family: ACLED event and sub-event types, IPTC topics, and known confusions."""

from __future__ import annotations

import pytest

from wirewatch.enrich.event_lexicon import FAMILIES
from wirewatch.enrich.event_types import classify_event

ACLED_SUBTYPES = {
    "Battles": 3,
    "Explosions/Remote violence": 6,
    "Violence against civilians": 3,
    "Protests": 3,
    "Riots": 2,
    "Strategic developments": 8,  # seven named plus the default "Other"
}

CASES = [
    # (title, body, category, type, subtype)
    (
        "Army recaptures town from rebels",
        "Government troops retook the town after heavy fighting with rebels; the army said it regained control.",
        "conflict",
        "Battles",
        "Government regains territory",
    ),
    (
        "Militants seize border town",
        "Insurgents captured the town overnight after clashes with the army. Militants seized the police station.",
        "conflict",
        "Battles",
        "Non-state actor overtakes territory",
    ),
    (
        "Suicide bomber kills 12 at checkpoint",
        "A suicide bomber detonated explosives at a checkpoint; the blast killed 12 people.",
        "conflict",
        "Explosions/Remote violence",
        "Suicide bomb",
    ),
    (
        "Roadside bomb hits convoy",
        "An improvised explosive device exploded beside a military convoy. The IED was planted overnight.",
        "conflict",
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    ),
    (
        "Gunmen abduct 40 villagers",
        (
            "Armed men kidnapped forty villagers; the hostages were taken into the forest. Relatives say the abducted "
            "include children."
        ),
        "conflict",
        "Violence against civilians",
        "Abduction/forced disappearance",
    ),
    (
        "Police fire on protesters, killing three",
        (
            "Security forces opened fire on a protest; protesters were killed as demonstrators marched on parliament, "
            "witnesses said live ammunition was used."
        ),
        "unrest",
        "Protests",
        "Excessive force against protesters",
    ),
    (
        "Mob lynches suspected thief",
        "A mob beat a man to death after accusing him of theft; vigilantes blocked the road.",
        "unrest",
        "Riots",
        "Mob violence",
    ),
    (
        "Warring parties sign peace agreement",
        "The government and the rebel alliance signed a peace agreement and agreed a prisoner swap.",
        "conflict",
        "Strategic developments",
        "Agreement",
    ),
    (
        "Floods leave thousands homeless",
        "Flooding after days of rain forced the evacuation of villages; rescuers searched for the missing.",
        "disaster",
        "disaster, accident and emergency incident",
        None,
    ),
    (
        "Search-and-rescue teams comb rubble after quake",
        (
            "Rescue teams from five countries joined the search for survivors; the quake's epicentre was in the "
            "mountains and the death toll rose overnight."
        ),
        "disaster",
        "disaster, accident and emergency incident",
        None,
    ),
    (
        "Striker's late goal wins the league",
        "The match ended 2-1 after the striker scored in stoppage time; the team lifted the league trophy.",
        "sport",
        "sport",
        None,
    ),
    (
        "Cholera outbreak spreads",
        "Health officials reported hundreds of new infections; hospitals are overwhelmed with patients.",
        "health",
        "health",
        None,
    ),
    (
        "Court sentences former mayor for fraud",
        "The judge sentenced him to six years; prosecutors said the fraud cost the city millions.",
        "crime",
        "crime, law and justice",
        None,
    ),
    (
        "Teachers and pupils return as schools reopen",
        "Students sat their exams after the universities and schools reopened; the curriculum was shortened.",
        "education",
        "education",
        None,
    ),
    (
        "Pope visits mosque in historic gesture",
        "The pope prayed with imams; the church and the mosque leaders called for interfaith worship.",
        "religion",
        "religion",
        None,
    ),
    (
        "Heatwave brings record temperatures",
        "Forecasters warned the heatwave would last a week; weather services expect more heatwaves.",
        "weather",
        "weather",
        None,
    ),
]


@pytest.mark.parametrize(("title", "body", "category", "type_", "subtype"), CASES, ids=[c[0][:30] for c in CASES])
def test_hand_written_articles(title: str, body: str, category: str, type_: str, subtype: str | None) -> None:
    result = classify_event(title, body)
    event_type = result.event_type
    assert (event_type.category, event_type.type, event_type.subtype) == (category, type_, subtype)
    assert event_type.confidence == max(result.confidences.values())


def test_acled_has_six_types_and_twenty_five_sub_event_types() -> None:
    acled = [f for f in FAMILIES if f.category in {"conflict", "unrest"}]
    assert {f.type: len(f.subtypes) + (f.default_subtype == "Other") for f in acled} == ACLED_SUBTYPES
    assert sum(ACLED_SUBTYPES.values()) == 25


def test_iptc_top_level_topics_are_all_covered() -> None:
    topics = {f.topic for f in FAMILIES}
    assert len(topics) == 17  # the 17 IPTC Media Topics top-level subjects, conflict carried by ACLED


def test_rescue_teams_are_not_sport() -> None:
    result = classify_event(
        "Spanish and British rescue teams join Morocco quake search",
        "Morocco accepted offers of search-and-rescue teams as hopes faded of finding more survivors.",
    )
    assert result.event_type.category == "disaster"


def test_air_strikes_are_not_a_labour_strike() -> None:
    result = classify_event("Air strikes hit the capital", "Warplanes carried out air strikes on the city.")
    assert result.event_type.type == "Explosions/Remote violence"


def test_seed_article_conflict_confidence_beats_every_non_conflict_type(seed_article: tuple[str, str]) -> None:
    result = classify_event(*seed_article)
    assert result.event_type.type in {"Battles", "Explosions/Remote violence"}
    others = [c for key, c in result.confidences.items() if not key.startswith(("conflict/", "unrest/"))]
    assert result.event_type.confidence > max(others, default=0.0)

"""The event type classifier: ACLED types for conflict and unrest, IPTC topics otherwise."""

from __future__ import annotations

import pytest

from wirewatch.enrich.event_types import CONFLICT_TOPIC, classify_event, score_families


def test_seed_article_is_a_conflict_with_a_battle_or_explosions_type(seed_article: tuple[str, str]) -> None:
    title, text = seed_article
    result = classify_event(title, text)
    assert result.event_type.category == "conflict"
    assert result.event_type.type in {"Battles", "Explosions/Remote violence"}
    assert result.event_type.subtype is not None
    assert result.topics[0] == CONFLICT_TOPIC
    scores = score_families(title, text)
    best_conflict = max(v for k, v in scores.items() if k.startswith("conflict/"))
    best_other = max(v for k, v in scores.items() if not k.startswith(("conflict/", "unrest/")))
    assert best_conflict > best_other


@pytest.mark.parametrize(
    ("title", "body", "category", "type_", "subtype"),
    [
        (
            "Israeli air strikes hit Gaza",
            "Warplanes carried out air strikes overnight; a drone strike hit a car.",
            "conflict",
            "Explosions/Remote violence",
            "Air/drone strike",
        ),
        (
            "Thousands protest in Paris",
            "Protesters marched peacefully; a rally was held outside parliament.",
            "unrest",
            "Protests",
            "Peaceful protest",
        ),
        (
            "Riots erupt after verdict",
            "Rioters torched cars and clashed with police; looting was reported.",
            "unrest",
            "Riots",
            "Violent demonstration",
        ),
        (
            "Earthquake kills dozens in Turkey",
            "The earthquake collapsed buildings; rescuers searched for survivors.",
            "disaster",
            "disaster, accident and emergency incident",
            None,
        ),
        (
            "Central bank raises interest rates",
            "Inflation and markets: investors expect the economy to slow.",
            "economy",
            "economy, business and finance",
            None,
        ),
        (
            "Voters head to the polls",
            "The election campaign ended; parliament and the president await the vote.",
            "politics",
            "politics",
            None,
        ),
        (
            "Cup final goes to extra time",
            "The team scored two goals in the match; the coach praised his players.",
            "sport",
            "sport",
            None,
        ),
    ],
)
def test_types(title: str, body: str, category: str, type_: str, subtype: str | None) -> None:
    event_type = classify_event(title, body).event_type
    assert (event_type.category, event_type.type, event_type.subtype) == (category, type_, subtype)
    assert 0 < event_type.confidence <= 1


def test_no_cue_is_other_with_zero_confidence() -> None:
    result = classify_event("Lorem ipsum", "dolor sit amet")
    assert (result.event_type.category, result.event_type.confidence) == ("other", 0.0)
    assert result.topics == []


def test_more_evidence_means_more_confidence() -> None:
    weak = classify_event("", "Fighting was reported.").event_type.confidence
    strong = classify_event(
        "Heavy fighting as offensive begins", "Clashes and fighting continued; troops launched an offensive."
    ).event_type.confidence
    assert strong > weak

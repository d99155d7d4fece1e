"""Same kind of story about someone else: the protagonist conflict keeps two incidents apart, rewrites still join.

Modelled on ECB+ topic 35 (two San Diego Chargers players arrested for drunk driving weeks apart): the words agree
("Chargers", "arrested", "suspicion", "DUI", "San Diego"), only who it happened to differs.
"""

from __future__ import annotations

from datetime import timedelta

from wirewatch.contracts import content_hash
from wirewatch.dedupe.events import EventState
from wirewatch.dedupe.features import features_from_text
from wirewatch.dedupe.offline import OfflineClusterer
from wirewatch.dedupe.scoring import choose_event, protagonist_conflict
from wirewatch.dedupe.terms import capitalised_mentions, protagonist

from .stories import T0

JACKSON = (
    "Chargers receiver arrested on suspicion of DUI",
    (
        "San Diego Chargers receiver Vincent Jackson was arrested on suspicion of drunken driving early Tuesday. "
        "The California Highway Patrol said Jackson failed sobriety tests on a freeway in San Diego. "
        "Jackson was booked into county jail and released on bail. The team said Jackson will play on Sunday."
    ),
)
WILLIAMS = (
    "Chargers lineman arrested on suspicion of DUI",
    (
        "Defensive tackle Jamal Williams was pulled over for speeding on Sunday and gave a blood sample, police said. "
        "Williams spent the night in county jail. The City Attorney will decide whether Williams faces charges; "
        "it is the team's second such arrest after Vincent Jackson last month. Williams did not comment."
    ),
)
JACKSON_REWRITE = (
    "Jackson held on DUI suspicion, Chargers say",
    (
        "Vincent Jackson, a receiver for the San Diego Chargers, was arrested early Tuesday on suspicion of driving "
        "under the influence. Jackson failed field sobriety tests, the California Highway Patrol said, and Jackson "
        "was released on bail. The team will not discipline Jackson for now."
    ),
)


def _features(article_id: str, story: tuple[str, str], minutes: int = 0, *, title_only: bool = False):
    title, text = story
    return features_from_text(article_id, title, "" if title_only else text, at=T0 + timedelta(minutes=minutes))


def test_the_protagonist_is_the_name_written_most_often():
    assert protagonist(["vincent jackson", "california highway patrol"], capitalised_mentions(*JACKSON)) == "jackson"
    assert _features("w", WILLIAMS).protagonist == "william"
    assert _features("w", WILLIAMS).entities[0] == "jamal williams"  # names come most mentioned first


def test_a_headline_alone_has_no_protagonist_so_titles_are_never_penalised():
    assert _features("j", JACKSON, title_only=True).protagonist is None
    assert protagonist(["jackson"], capitalised_mentions("Jackson arrested, Jackson released", "")) == "jackson"


def test_another_player_arrested_for_the_same_thing_starts_its_own_event():
    event = EventState.found(_features("j", JACKSON))
    williams = _features("w", WILLIAMS, 60)
    assert protagonist_conflict(williams, event)  # Jackson is mentioned in passing, not prominently
    decision = choose_event(williams, [event])
    assert decision.kind == "create"
    assert decision.scores is not None
    assert decision.scores.text > 0.3  # the words alone would have joined them
    assert decision.scores.protagonist == 0.5  # stored with the decision: why it did not join


def test_a_rewrite_about_the_same_player_joins():
    event = EventState.found(_features("j", JACKSON))
    rewrite = _features("r", JACKSON_REWRITE, 30)
    assert not protagonist_conflict(rewrite, event)
    assert choose_event(rewrite, [event]).kind == "join"


def test_both_incidents_end_in_separate_events():
    # Only in this order: had the Williams story come first, its passing mention of Jackson would count as
    # "the event names Jackson" and the Jackson story would join it (the check is deliberately lenient).
    clusterer = OfflineClusterer()
    for minutes, (name, story) in enumerate((("j1", JACKSON), ("w", WILLIAMS), ("j2", JACKSON_REWRITE))):
        clusterer.add(_features(name, story, minutes), content_hash(*story), story[1])
    events = clusterer.assignments()
    assert events["j1"] == events["j2"] != events["w"]

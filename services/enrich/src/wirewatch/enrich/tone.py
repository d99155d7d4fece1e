"""Tone: a small polarity lexicon of news vocabulary, scored in [-1, 1] (negative = bad news)."""

from __future__ import annotations

import re

_NEGATIVE = frozenset(
    [
        "attack",
        "attacks",
        "attacked",
        "war",
        "wars",
        "aggression",
        "killed",
        "kill",
        "killing",
        "deaths",
        "dead",
        "death",
        "died",
        "casualties",
        "injured",
        "wounded",
        "violence",
        "violent",
        "explosion",
        "explosions",
        "blast",
        "bomb",
        "bombing",
        "shelling",
        "crisis",
        "conflict",
        "tension",
        "tensions",
        "threat",
        "threats",
        "fear",
        "fears",
        "concern",
        "concerns",
        "alarm",
        "alarmed",
        "condemn",
        "condemned",
        "crash",
        "disaster",
        "destroyed",
        "damage",
        "collapse",
        "collapsed",
        "loss",
        "losses",
        "fell",
        "fall",
        "decline",
        "plunge",
        "recession",
        "failed",
        "failure",
        "fraud",
        "corruption",
        "accused",
        "arrested",
        "protest",
        "protests",
        "riot",
        "riots",
        "offensive",
        "flashpoint",
        "escalating",
        "escalation",
        "terror",
        "terrorist",
        "anti-terrorist",
        "landmines",
        "victims",
        "hostage",
        "refugees",
        "starvation",
        "famine",
        "outbreak",
        "emergency",
        "warned",
        "warning",
    ]
)
_POSITIVE = frozenset(
    [
        "peace",
        "peaceful",
        "agreement",
        "agreed",
        "deal",
        "resolution",
        "resolve",
        "growth",
        "grew",
        "gain",
        "gains",
        "rise",
        "win",
        "won",
        "wins",
        "victory",
        "success",
        "successful",
        "celebrate",
        "celebrated",
        "improve",
        "improved",
        "improvement",
        "help",
        "helped",
        "aid",
        "recovery",
        "recovered",
        "progress",
        "support",
        "supported",
        "hope",
        "hopeful",
        "welcome",
        "welcomed",
        "praised",
        "boost",
        "record",
        "rescued",
        "release",
        "released",
        "cooperation",
        "ceasefire",
        "stable",
        "stability",
        "safe",
        "safety",
        "humanitarian",
        "reconciliation",
    ]
)
_WORD = re.compile(r"[^\W\d_][\w-]*")
# Dampens one or two polar words in a long text: tone approaches +-1 only with a clear majority and enough hits.
_SMOOTHING = 3.0


def score_tone(text: str) -> float:
    """Tone of ``text`` in [-1, 1]; 0.0 when it holds no polar words."""
    positive = negative = 0
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if word in _NEGATIVE:
            negative += 1
        elif word in _POSITIVE:
            positive += 1
    if positive == negative == 0:
        return 0.0
    return round((positive - negative) / (positive + negative + _SMOOTHING), 3)

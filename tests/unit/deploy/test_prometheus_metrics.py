"""The metric catalogue is exactly what the services expose: every name, type, help text and label set."""

from __future__ import annotations

import importlib
import shutil
import subprocess
from typing import Any

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from wirewatch.dedupe.metrics import MAX_CATEGORIES, DedupeMetrics
from wirewatch.runtime import Service
from wirewatch.runtime.metric_catalogue import ALL_SERVICES, CATALOGUE, counter, for_service, gauge

# Words that would make a label unbounded (one series per article, feed, URL or host).
UNBOUNDED_LABELS = {"id", "url", "feed", "feed_url", "host", "article", "article_id", "event_id", "path", "endpoint"}


def build_service(name: str) -> Service:
    """The service as its app factory builds it (nothing connects until it starts)."""
    module: Any = importlib.import_module(f"wirewatch.{name}.main")
    if name == "api":  # the api's own metrics are declared by its app factory
        service: Service = module.create_app().state.service
        return service
    built: Service = module.create_service()
    return built


def declared(registry: CollectorRegistry) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """name -> (type, help, label names) of every wirewatch_* metric on ``registry``."""
    found: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for collector in list(registry._collector_to_names):  # the label names live only here
        for family in collector.collect():
            if family.name.startswith("wirewatch_"):
                labels = tuple(getattr(collector, "_labelnames", ()))
                found[family.name] = (family.type, family.documentation, labels)
    return found


@pytest.mark.parametrize("service", sorted(ALL_SERVICES))
def test_a_service_exposes_exactly_its_catalogue_entries(service: str):
    exposed = declared(build_service(service).registry)
    expected = {spec.name: (spec.kind, spec.help, spec.labels) for spec in for_service(service)}
    assert exposed == expected


@pytest.mark.parametrize("service", sorted(ALL_SERVICES))
def test_the_exposition_parses_and_passes_promtool(service: str, tmp_path):
    text = generate_latest(build_service(service).registry).decode()
    names = {family.name for family in text_string_to_metric_families(text)}
    assert {spec.name for spec in for_service(service)} <= names
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (Debian: apt-get install prometheus)")
    checked = subprocess.run([promtool, "check", "metrics"], check=False, input=text, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_catalogue_entry_is_exposed_by_some_service_and_labels_stay_bounded():
    assert len({spec.name for spec in CATALOGUE}) == len(CATALOGUE)
    for spec in CATALOGUE:
        assert spec.services, spec.name
        assert spec.services <= ALL_SERVICES, spec.name
        assert spec.name.startswith("wirewatch_"), spec.name
        assert not spec.name.endswith("_total"), spec.name
        assert not set(spec.labels) & UNBOUNDED_LABELS, spec.name


def test_declaring_outside_the_catalogue_or_with_the_wrong_type_fails_loudly():
    registry = CollectorRegistry()
    with pytest.raises(KeyError, match=r"not in wirewatch\.runtime\.metric_catalogue"):
        counter("wirewatch_made_up", registry)
    with pytest.raises(TypeError, match="is a counter"):
        gauge("wirewatch_messages", registry)


def test_events_by_category_stay_bounded_and_countries_are_sanitised():
    registry = CollectorRegistry()
    metrics = DedupeMetrics(registry)
    for number in range(MAX_CATEGORIES + 10):
        metrics.event_created(f"category{number}", "fr")
    metrics.event_created("conflict", "not a country")
    categories = registry_labels(registry, "wirewatch_events_created_by_category_total")
    assert len(categories) == MAX_CATEGORIES + 1  # the first 32 seen, then "other"
    assert ("other",) in categories
    assert (
        registry.get_sample_value("wirewatch_events_created_by_country_total", {"country": "FR"}) == MAX_CATEGORIES + 10
    )
    assert registry.get_sample_value("wirewatch_events_created_by_country_total", {"country": "XX"}) == 1


def registry_labels(registry: CollectorRegistry, sample_name: str) -> set[tuple[str, ...]]:
    return {
        tuple(sample.labels.values())
        for family in registry.collect()
        for sample in family.samples
        if sample.name == sample_name
    }

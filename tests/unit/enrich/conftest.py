"""Session-wide enricher (spaCy model and gazetteer load once) and the seed article."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from wirewatch.enrich.enricher import Enricher
from wirewatch.enrich.gazetteer import Gazetteer, shared_gazetteer

SEED = "seed/tasnim-2023-09-19-azerbaijan-karabakh.txt"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return shared_gazetteer()


@pytest.fixture(scope="session")
def enricher() -> Enricher:
    return Enricher.load()


@pytest.fixture(scope="session")
def seed_article(data_dir: Path) -> tuple[str, str]:
    """(title, text) of the seed article: the title is its first line."""
    title, text = (data_dir / SEED).read_text(encoding="utf-8").split("\n", 1)
    return title.strip(), text.strip()


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))

"""Stream configs come from the contracts' definitions plus the deployment's replica count."""

from __future__ import annotations

import pytest
from nats.js.api import RetentionPolicy

from wirewatch.contracts import ALL_STREAMS, DELIVERIES_STREAM
from wirewatch.runtime import ServiceSettings, stream_config


@pytest.mark.parametrize("definition", ALL_STREAMS, ids=lambda d: d.name)
def test_replicas_come_from_the_deployment(definition):
    assert stream_config(definition).num_replicas == 1
    assert stream_config(definition, 3).num_replicas == 3
    assert stream_config(definition, 3).subjects == list(definition.subjects)


def test_the_deliveries_stream_is_a_work_queue():
    assert stream_config(DELIVERIES_STREAM).retention is RetentionPolicy.WORK_QUEUE


def test_stream_replicas_setting(monkeypatch):
    monkeypatch.setenv("WIREWATCH_STREAM_REPLICAS", "3")
    assert ServiceSettings().stream_replicas == 3
    monkeypatch.setenv("WIREWATCH_STREAM_REPLICAS", "0")
    with pytest.raises(ValueError, match=r"stream_replicas|WIREWATCH_STREAM_REPLICAS"):
        ServiceSettings()

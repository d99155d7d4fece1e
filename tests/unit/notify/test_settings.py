from __future__ import annotations

import pytest

from wirewatch.notify.settings import NotifySettings


def test_allow_addresses_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WIREWATCH_NOTIFY_ALLOW_ADDRESSES", "127.0.0.1, 10.0.0.0/8")
    assert NotifySettings().allow_addresses == ["127.0.0.1", "10.0.0.0/8"]
    monkeypatch.setenv("WIREWATCH_NOTIFY_ALLOW_ADDRESSES", '["::1"]')
    assert NotifySettings().allow_addresses == ["::1"]
    monkeypatch.setenv("WIREWATCH_NOTIFY_DELIVERY_SCHEDULE", "[0, 0.5, 1]")
    assert NotifySettings().delivery_schedule == (0, 0.5, 1)

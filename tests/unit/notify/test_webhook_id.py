from __future__ import annotations

from wirewatch.notify.matching import webhook_id


def test_webhook_id_is_stable_per_subscription_event_and_version():
    first = webhook_id("sub_1", "evt_1", 1)
    assert first == webhook_id("sub_1", "evt_1", 1)
    assert first.startswith("msg_")
    others = {webhook_id("sub_2", "evt_1", 1), webhook_id("sub_1", "evt_2", 1), webhook_id("sub_1", "evt_1", 2)}
    assert first not in others
    assert len(others) == 3

"""Which subscriptions want an event, and the stable id of the webhook each one gets."""

from __future__ import annotations

import hashlib

from wirewatch.contracts import EventChanged, SubscriptionFilter


def matches(subscription_filter: SubscriptionFilter, changed: EventChanged) -> bool:
    """True when the event change passes every part of the filter; an empty list accepts anything."""
    event = changed.event
    if subscription_filter.countries:
        countries = {c.upper() for c in event.countries}
        if event.primary_country:
            countries.add(event.primary_country.upper())
        if countries.isdisjoint(subscription_filter.countries):
            return False
    if subscription_filter.categories and event.category.strip().lower() not in subscription_filter.categories:
        return False
    if subscription_filter.change_kinds and changed.change not in subscription_filter.change_kinds:
        return False
    return event.article_count >= subscription_filter.min_articles


def webhook_id(subscription_id: str, event_id: str, event_version: int) -> str:
    """``msg_<hash>``: the same for one (subscription, event, version), so repeats are recognisable everywhere.

    It is the JetStream Nats-Msg-Id of the delivery request, the ``_id`` of the delivery record and the
    ``webhook-id`` header the receiver can deduplicate on.
    """
    basis = f"{subscription_id}\x1f{event_id}\x1f{event_version}"
    return "msg_" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]

"""Test helpers for wirewatch: real-server fixtures (see ``plugin``) and a webhook receiver."""

from ._webhooks import Behaviour, ReceivedRequest, WebhookReceiver, eventually

__all__ = ["Behaviour", "ReceivedRequest", "WebhookReceiver", "eventually"]

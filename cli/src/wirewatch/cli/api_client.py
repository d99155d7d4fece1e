"""The api over HTTP, for the CLI's subscription and event commands."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx

from wirewatch.runtime import WirewatchError

DEFAULT_API_URL = "http://127.0.0.1:8080"


class ApiError(WirewatchError):
    """The api could not be reached or answered with an error; the message says which and why."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class ApiClient:
    """A small synchronous client: one method per endpoint the CLI uses, JSON in, JSON out."""

    def __init__(self, base_url: str = DEFAULT_API_URL, *, token: str | None = None, timeout: float = 10.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def create_subscription(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return _object(self._request("POST", "/v1/subscriptions", json=dict(body)))

    def list_subscriptions(self) -> list[dict[str, Any]]:
        return _items(self._request("GET", "/v1/subscriptions"), "subscriptions")

    def remove_subscription(self, subscription_id: str) -> None:
        self._request("DELETE", f"/v1/subscriptions/{subscription_id}")

    def get_subscription(self, subscription_id: str) -> dict[str, Any]:
        return _object(self._request("GET", f"/v1/subscriptions/{subscription_id}"))

    def rotate_secret(self, subscription_id: str, overlap_seconds: int) -> dict[str, Any]:
        body = {"overlap_seconds": overlap_seconds}
        return _object(self._request("POST", f"/v1/subscriptions/{subscription_id}/rotate-secret", json=body))

    def enable_subscription(self, subscription_id: str) -> dict[str, Any]:
        return _object(self._request("POST", f"/v1/subscriptions/{subscription_id}/enable"))

    def list_deliveries(self, subscription_id: str, *, status: str | None, limit: int) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"limit": limit} | ({"status": status} if status else {})
        return _items(
            self._request("GET", f"/v1/subscriptions/{subscription_id}/deliveries", params=params), "deliveries"
        )

    def replay_since(self, subscription_id: str, since: str) -> dict[str, Any]:
        return _object(self._request("POST", f"/v1/subscriptions/{subscription_id}/replay", params={"since": since}))

    def replay_delivery(self, webhook_id: str) -> dict[str, Any]:
        return _object(self._request("POST", f"/v1/deliveries/{webhook_id}/replay"))

    def list_events(
        self, *, country: str | None = None, category: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        params = {k: v for k, v in {"country": country, "category": category, "limit": limit}.items() if v}
        return _items(self._request("GET", "/v1/events", params=params), "events")

    def events_page(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """One page of ``/v1/events``: ``{"events": [...], "next_cursor": ...}``; params as the api names them."""
        return _object(self._request("GET", "/v1/events", params=_query(params)))

    def get_event(self, event_id: str) -> dict[str, Any]:
        return _object(self._request("GET", f"/v1/events/{quote(event_id, safe='')}"))

    def articles_page(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return _object(self._request("GET", "/v1/articles", params=_query(params)))

    def get_article(self, article_id: str) -> dict[str, Any]:
        return _object(self._request("GET", f"/v1/articles/{quote(article_id, safe='')}"))

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ApiError(
                f"cannot reach the api at {self.base_url} ({type(exc).__name__}: {exc}); is `wirewatch dev` running?"
            ) from exc
        if response.is_error:
            raise ApiError(
                f"the api answered {response.status_code} {response.reason_phrase} to {method} {path}: "
                f"{_detail(response)}",
                response.status_code,
            )
        if response.status_code == httpx.codes.NO_CONTENT or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError(f"the api answered {method} {path} with something that is not JSON") from exc

    # feeds

    def add_feed(
        self, url: str, *, interval_seconds: int | None = None, source_name: str | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"url": url}
        if interval_seconds is not None:
            body["interval_seconds"] = interval_seconds
        if source_name:
            body["source_name"] = source_name
        return _object(self._request("POST", "/v1/feeds", json=body))

    def list_feeds(self) -> list[dict[str, Any]]:
        return _items(self._request("GET", "/v1/feeds"), "feeds")

    def get_feed(self, feed_id: str) -> dict[str, Any]:
        return _object(self._request("GET", f"/v1/feeds/{quote(feed_id, safe='')}"))

    def remove_feed(self, feed_id: str) -> None:
        self._request("DELETE", f"/v1/feeds/{quote(feed_id, safe='')}")


def _query(params: Mapping[str, Any]) -> dict[str, Any]:
    """Drop unset parameters; lists are sent comma-separated (the api takes both forms)."""
    return {
        k: ",".join(map(str, v)) if isinstance(v, list | tuple) else v
        for k, v in params.items()
        if v is not None and not (isinstance(v, list | tuple) and not v)
    }


def _detail(response: httpx.Response) -> str:
    """The error's explanation: problem+json or FastAPI-style ``detail``, an ``error`` field, or the body's start."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or "(no body)"
    if isinstance(body, dict):
        for key in ("detail", "error", "message"):
            if key in body:
                return _describe(body[key])[:500]
    return str(body)[:300]


def _describe(detail: Any) -> str:
    """FastAPI's 422 detail is a list of ``{loc, msg}``: say ``field: problem`` for each."""
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict) and "msg" in item:
                loc = ".".join(str(p) for p in item.get("loc", []) if p not in {"body", "query", "path"})
                parts.append(f"{loc}: {item['msg']}" if loc else str(item["msg"]))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(detail)


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ApiError(f"expected a JSON object from the api, got {type(value).__name__}")
    return value


def _items(value: Any, key: str) -> list[dict[str, Any]]:
    """A list answer, given either as a bare JSON array or wrapped (``{"events": [...]}`` / ``{"items": [...]}``)."""
    if isinstance(value, dict):
        value = value.get(key, value.get("items", value.get("data")))
    if not isinstance(value, list):
        raise ApiError(f"expected a list of {key} from the api")
    return [item for item in value if isinstance(item, dict)]

"""``wirewatch subscriptions ...``: subscriptions, their deliveries, secret rotation and replays, through the api."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from .api_client import DEFAULT_API_URL, ApiClient, ApiError
from .options import ApiUrl, AsJson, Token, fail_api, usage
from .rendering import print_json, subscriptions_table

subscriptions_app = typer.Typer(
    no_args_is_help=True, help="Subscriptions (webhooks or NATS subjects), deliveries and replays, through the api."
)

Repeatable = Annotated[list[str] | None, typer.Option(help="Repeatable.")]
SubscriptionId = Annotated[str, typer.Argument(help="The subscription's id (sub_...).")]


def _out() -> Console:
    return Console()


def parse_near(value: str) -> dict[str, float]:
    """``lat,lon,radius_km`` -> the filter's ``near``; ValueError with a message for the user."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 3:
        raise ValueError(f"--near takes lat,lon,radius_km (e.g. 39.8,46.75,100), not {value!r}")
    try:
        lat, lon, radius = (float(p) for p in parts)
    except ValueError as exc:
        raise ValueError(f"--near takes three numbers, not {value!r}") from exc
    return {"lat": lat, "lon": lon, "radius_km": radius}


def filters_from_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The api's ``filters`` from the command's options; only those given (the api validates them)."""
    filters: dict[str, Any] = {name: values for name, values in options.items() if values}
    if near := filters.pop("near", None):
        filters["near"] = parse_near(near)
    return filters


def deliveries_table(deliveries: Iterable[Mapping[str, Any]]) -> Table:
    """One row per delivery: status, attempts and the last attempt's answer (or why it died)."""
    table = Table(title="Deliveries", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("webhook id", overflow="fold", min_width=12)
    table.add_column("event", overflow="fold")
    table.add_column("change", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("attempts", justify="right")
    table.add_column("last answer", overflow="fold", ratio=1)
    for delivery in deliveries:
        attempts = delivery.get("attempts") or []
        last = attempts[-1] if attempts else {}
        answer = last.get("error") or (f"HTTP {last['status_code']}" if last.get("status_code") else "")
        if last.get("latency_ms") is not None and answer:
            answer += f" in {last['latency_ms']:.0f} ms"
        if delivery.get("status") == "dead" and delivery.get("dead_reason"):
            answer = str(delivery["dead_reason"]).splitlines()[0]
        table.add_row(
            str(delivery.get("webhook_id", "")),
            f"{delivery.get('event_id', '')} v{delivery.get('event_version', '?')}",
            str(delivery.get("change") or ""),
            str(delivery.get("status", "")),
            str(len(attempts)),
            answer,
        )
    return table


@subscriptions_app.command("add")
def add(
    url: Annotated[str | None, typer.Option("--url", help="Webhook URL that receives the events.")] = None,
    nats_target: Annotated[
        str | None, typer.Option("--nats-target", help="Publish to the NATS subject notify.out.<NAME> instead.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="A name to recognise it by.")] = None,
    country: Annotated[list[str] | None, typer.Option("--country", help="ISO country code; repeatable.")] = None,
    category: Annotated[list[str] | None, typer.Option("--category", help="Event category; repeatable.")] = None,
    event_type: Annotated[
        list[str] | None, typer.Option("--event-type", help="ACLED-style (sub-)event type; repeatable.")
    ] = None,
    entity: Annotated[list[str] | None, typer.Option("--entity", help="Named entity or actor; repeatable.")] = None,
    keyword: Annotated[list[str] | None, typer.Option("--keyword", help="Word or phrase; repeatable.")] = None,
    language: Annotated[list[str] | None, typer.Option("--language", help="ISO 639-1 code; repeatable.")] = None,
    change: Annotated[
        list[str] | None, typer.Option("--change", help="created, updated or merged; repeatable.")
    ] = None,
    near: Annotated[str | None, typer.Option("--near", help="lat,lon,radius_km: a place within the radius.")] = None,
    min_articles: Annotated[int | None, typer.Option("--min-articles", min=1)] = None,
    min_sources: Annotated[int | None, typer.Option("--min-sources", min=1, help="Distinct outlets.")] = None,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """Subscribe a webhook (or a NATS subject) to events; every filter given must pass, any value of one is enough."""
    if (url is None) == (nats_target is None):
        usage("give exactly one target: --url URL or --nats-target NAME")
    try:
        filters = filters_from_options(
            {
                "countries": country,
                "categories": category,
                "event_types": event_type,
                "entities": entity,
                "keywords": keyword,
                "languages": language,
                "change_kinds": change,
                "near": near,
                "min_articles": min_articles,
                "min_sources": min_sources,
            }
        )
    except ValueError as exc:
        usage(str(exc))
    body: dict[str, Any] = {"filters": filters}
    body |= {"webhook_url": url} if url is not None else {"nats_target": nats_target}
    if name:
        body["name"] = name
    try:
        with ApiClient(api_url, token=token) as api:
            created = api.create_subscription(body)
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json(created)
        return
    out = _out()
    out.print(subscriptions_table([created]))
    if secret := created.get("secret"):
        out.print(f"signing secret (shown once, keep it to verify webhooks): {secret}", highlight=False, soft_wrap=True)
    elif subject := created.get("nats_subject"):
        out.print(f"events go to the NATS subject {subject} (stream NOTIFY_OUT)", highlight=False)


@subscriptions_app.command("list")
def list_(api_url: ApiUrl = DEFAULT_API_URL, token: Token = None, as_json: AsJson = False) -> None:
    """List the subscriptions, with whether each is enabled (and why not)."""
    try:
        with ApiClient(api_url, token=token) as api:
            subscriptions = api.list_subscriptions()
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json([{k: v for k, v in sub.items() if k != "secret"} for sub in subscriptions])
    else:
        _out().print(subscriptions_table(subscriptions))


@subscriptions_app.command("show")
def show(subscription_id: SubscriptionId, api_url: ApiUrl = DEFAULT_API_URL) -> None:
    """One subscription as JSON: filters, target and health (disabled_reason, disabled_at, failing_since)."""
    try:
        with ApiClient(api_url) as api:
            print_json(api.get_subscription(subscription_id))
    except ApiError as exc:
        fail_api(exc)


@subscriptions_app.command("remove")
def remove(subscription_id: SubscriptionId, api_url: ApiUrl = DEFAULT_API_URL, token: Token = None) -> None:
    """Remove a subscription (its delivery history stays readable)."""
    try:
        with ApiClient(api_url, token=token) as api:
            api.remove_subscription(subscription_id)
    except ApiError as exc:
        fail_api(exc)
    _out().print(f"removed subscription {subscription_id}", highlight=False)


@subscriptions_app.command("rotate-secret")
def rotate_secret(
    subscription_id: SubscriptionId,
    overlap: Annotated[
        int, typer.Option("--overlap", min=0, help="Seconds the old secret keeps signing next to the new one.")
    ] = 24 * 3600,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """A new signing secret, shown once; until the overlap ends webhooks carry both signatures."""
    try:
        with ApiClient(api_url, token=token) as api:
            rotated = api.rotate_secret(subscription_id, overlap)
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json(rotated)
        return
    _out().print(
        f"new signing secret (shown once): {rotated.get('secret')}\n"
        f"the old one also signs until {rotated.get('previous_secret_expires_at')}",
        highlight=False,
        soft_wrap=True,
    )


@subscriptions_app.command("enable")
def enable(subscription_id: SubscriptionId, api_url: ApiUrl = DEFAULT_API_URL, token: Token = None) -> None:
    """Turn a disabled subscription (410 Gone, failing too long) back on."""
    try:
        with ApiClient(api_url, token=token) as api:
            api.enable_subscription(subscription_id)
    except ApiError as exc:
        fail_api(exc)
    _out().print(f"enabled subscription {subscription_id}", highlight=False)


@subscriptions_app.command("deliveries")
def deliveries(
    subscription_id: SubscriptionId,
    status: Annotated[
        str | None, typer.Option("--status", help="pending, retrying, delivered or dead.", show_default=False)
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200)] = 20,
    api_url: ApiUrl = DEFAULT_API_URL,
    as_json: AsJson = False,
) -> None:
    """A subscription's deliveries, newest first, with every attempt (status code, latency, response snippet)."""
    try:
        with ApiClient(api_url) as api:
            found = api.list_deliveries(subscription_id, status=status, limit=limit)
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json(found)
    else:
        _out().print(deliveries_table(found))


@subscriptions_app.command("replay")
def replay(
    subscription_id: Annotated[
        str | None, typer.Argument(help="Replay this subscription's events since --since.", show_default=False)
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="ISO 8601 time, e.g. 2026-11-24T08:00Z.")] = None,
    delivery: Annotated[
        str | None, typer.Option("--delivery", help="Send this one delivery (webhook id) again instead.")
    ] = None,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """Send again: every matching event since a time, or one delivery. Webhook ids stay the same (receivers dedupe)."""
    if delivery is None and (subscription_id is None or since is None):
        usage("give SUBSCRIPTION_ID --since TIME, or --delivery WEBHOOK_ID")
    if delivery is not None and (subscription_id is not None or since is not None):
        usage("--delivery replays one delivery; it takes no subscription id or --since")
    try:
        with ApiClient(api_url, token=token) as api:
            if delivery is not None:
                accepted = api.replay_delivery(delivery)
            else:
                assert subscription_id is not None
                assert since is not None
                accepted = api.replay_since(subscription_id, since)
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json(accepted)
        return
    what = f"delivery {delivery}" if delivery else f"{subscription_id}'s events since {since}"
    _out().print(
        f"replay {accepted.get('replay_id')} accepted: {what}; follow it with `wirewatch subscriptions deliveries`",
        highlight=False,
        soft_wrap=True,
    )

"""KEDA ScaledObjects and the NATS chart values: the names they watch are the ones the code uses."""

from __future__ import annotations

from typing import Any

import pytest

from wirewatch.contracts import ALL_STREAMS

from .manifests import DEPLOY, K8S, SCALABLE, SERVICES, documents, durable_consumers, load

KEDA = K8S / "components" / "keda"
# Consumers deliberately not scaled on: operator-requested webhook replays are rare one-off jobs (batch 1, long
# ack wait); a replica per pending replay would be waste. Must still exist, so a stale entry fails.
NOT_SCALED_ON = {"notify": {("DELIVERIES", "notify-replays")}}


@pytest.fixture(scope="module")
def scaled_objects() -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in documents(KEDA, "ScaledObject")}


def test_durables_are_read_from_the_handlers():
    # Guards the grep itself: a handler refactor that hides the names must fail here, not skip the checks below.
    assert durable_consumers("enrich") == {("ARTICLES", "enrich")}
    for name in SERVICES:
        if name != "api":
            assert durable_consumers(name), f"no durable consumer found in {name}/handlers.py"


def test_exactly_the_scalable_services_have_a_scaled_object(scaled_objects):
    assert set(scaled_objects) == set(SCALABLE)
    for name, scaled in scaled_objects.items():
        assert scaled["spec"]["scaleTargetRef"] == {"name": name}
        assert 1 <= scaled["spec"]["minReplicaCount"] < scaled["spec"]["maxReplicaCount"]


@pytest.mark.parametrize("name", SCALABLE)
def test_triggers_watch_every_consumer_of_the_service_by_its_real_names(scaled_objects, name):
    triggers = scaled_objects[name]["spec"]["triggers"]
    assert {trigger["type"] for trigger in triggers} == {"nats-jetstream"}
    watched = {(trigger["metadata"]["stream"], trigger["metadata"]["consumer"]) for trigger in triggers}
    consumers = durable_consumers(name)
    excluded = NOT_SCALED_ON.get(name, set())
    assert excluded <= consumers, f"{name}: {excluded - consumers} no longer exist"
    assert watched == consumers - excluded
    assert {stream for stream, _ in watched} <= {definition.name for definition in ALL_STREAMS}
    for trigger in triggers:
        metadata = trigger["metadata"]
        assert metadata["account"] == "$G"
        assert int(metadata["lagThreshold"]) > 0
        # The headless service, so KEDA can reach the consumer leader as <pod>.<endpoint>.
        assert metadata["natsServerMonitoringEndpoint"] == "nats-headless.nats.svc.cluster.local:8222"


def test_nats_chart_values_give_a_three_node_jetstream_cluster_with_monitoring():
    values = load(DEPLOY / "nats" / "values.yaml")
    config = values["config"]
    assert config["cluster"] == {"enabled": True, "replicas": 3}
    assert config["jetstream"]["enabled"] is True
    assert config["jetstream"]["fileStore"]["enabled"] is True
    assert config["jetstream"]["fileStore"]["pvc"]["enabled"] is True
    assert config["monitor"] == {"enabled": True, "port": 8222}
    assert values["promExporter"]["enabled"] is True


def test_services_connect_to_the_nats_release_the_values_describe():
    (config,) = documents(K8S / "base", "ConfigMap")
    # Release `nats` in namespace `nats`, as the values file's install command says.
    assert config["data"]["WIREWATCH_NATS_URL"] == "nats://nats.nats.svc.cluster.local:4222"
    assert "--namespace nats" in (DEPLOY / "nats" / "values.yaml").read_text(encoding="utf-8")

"""deploy/k8s: locked-down Deployments probing the right ports, a grace period longer than shutdown can take,
kustomizations whose files exist, and overlays that build."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import nats.aio.client
import pytest
import yaml
from prometheus_client import CollectorRegistry

from wirewatch.notify.settings import NotifySettings
from wirewatch.runtime import ServiceSettings, make_broker

from .manifests import COMPOSE_FILE, K8S, PORTS, SCALABLE, SERVICES, documents, kustomize_command, load, load_all

BASE = K8S / "base"
OVERLAYS = ("dev", "production")


@pytest.fixture(scope="module")
def deployments() -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in documents(BASE, "Deployment")}


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only  # type: ignore[no-any-return]


def env_value(spec: dict[str, Any], name: str) -> Any:
    return next(item for item in spec["env"] if item["name"] == name)


def test_one_manifest_per_service_with_a_deployment_and_a_service(deployments):
    assert set(deployments) == set(SERVICES)
    for name in SERVICES:
        kinds = [doc["kind"] for doc in load_all(BASE / f"{name}.yaml")]
        assert kinds == ["Deployment", "Service"]


@pytest.mark.parametrize("name", SERVICES)
def test_pod_is_non_root_read_only_without_capabilities(deployments, name):
    pod = deployments[name]["spec"]["template"]["spec"]
    spec = container(deployments[name])
    security = spec["securityContext"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert security["runAsNonRoot"] is True
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    seccomp = security.get("seccompProfile") or pod["securityContext"].get("seccompProfile")
    assert seccomp == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    tmp = next(mount for mount in spec["volumeMounts"] if mount["mountPath"] == "/tmp")
    volume = next(volume for volume in pod["volumes"] if volume["name"] == tmp["name"])
    assert "emptyDir" in volume


@pytest.mark.parametrize("name", SERVICES)
def test_probes_and_service_use_the_port_the_service_listens_on(deployments, name):
    port = PORTS[name]
    spec = container(deployments[name])
    assert spec["ports"] == [{"name": "http", "containerPort": port}]
    assert env_value(spec, f"WIREWATCH_{name.upper()}_PORT")["value"] == str(port)
    assert env_value(spec, f"WIREWATCH_{name.upper()}_HOST")["value"] == "0.0.0.0"
    assert spec["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port}
    assert spec["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port}
    assert spec["startupProbe"]["httpGet"]["port"] == port
    (service,) = [doc for doc in load_all(BASE / f"{name}.yaml") if doc["kind"] == "Service"]
    assert service["spec"]["ports"] == [{"name": "http", "port": port, "targetPort": "http"}]
    assert service["spec"]["selector"] == deployments[name]["spec"]["selector"]["matchLabels"]


@pytest.mark.parametrize("name", SERVICES)
def test_requests_and_limits_are_set(deployments, name):
    resources = container(deployments[name])["resources"]
    for bound in ("requests", "limits"):
        assert set(resources[bound]) == {"cpu", "memory"}, f"{name}: {bound}"


def worst_case_stop_seconds(service: str) -> float:
    """How long Service.stop() may take, from the defaults in the code (see docs/operations.md, "Stopping")."""
    settings = NotifySettings() if service == "notify" else ServiceSettings()
    broker = make_broker("nats://127.0.0.1:4222", service=service, registry=CollectorRegistry())
    graceful = broker.config.graceful_timeout or 0.0
    drain = broker._connection_kwargs.get("drain_timeout", nats.aio.client.DEFAULT_DRAIN_TIMEOUT)
    http = settings.shutdown_timeout  # uvicorn's timeout_graceful_shutdown, before the lifespan ends
    deliveries = settings.shutdown_timeout if service == "notify" else 0.0  # NotifyService.stop drains first
    return float(http + deliveries + graceful + drain)


@pytest.mark.parametrize("name", SERVICES)
def test_grace_period_outlasts_the_graceful_shutdown(deployments, name):
    needed = worst_case_stop_seconds(name)
    assert needed >= 55  # 10 s HTTP + 15 s FastStream graceful_timeout + 30 s nats drain at the time of writing
    assert deployments[name]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > needed
    compose_grace = load(COMPOSE_FILE)["services"][name]["stop_grace_period"]
    assert int(compose_grace.removesuffix("s")) > needed


@pytest.mark.parametrize("name", SERVICES)
def test_settings_come_from_the_configmap_and_credentials_from_the_secret(deployments, name):
    spec = container(deployments[name])
    (config,) = documents(BASE, "ConfigMap")
    assert spec["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}]
    assert config["data"]["WIREWATCH_NATS_URL"].startswith("nats://")
    mongo = env_value(spec, "WIREWATCH_MONGO_URL")["valueFrom"]["secretKeyRef"]
    assert mongo["name"] == "wirewatch-secrets"


def secret_refs(deployments: dict[str, dict[str, Any]]) -> set[tuple[str, str]]:
    return {
        (item["valueFrom"]["secretKeyRef"]["name"], item["valueFrom"]["secretKeyRef"]["key"])
        for deployment in deployments.values()
        for item in container(deployment)["env"]
        if "secretKeyRef" in item.get("valueFrom", {})
    }


def test_the_secret_template_and_the_dev_secret_have_every_key_the_pods_read(deployments):
    referenced = secret_refs(deployments)
    assert ("wirewatch-secrets", "api-token") in referenced
    (template,) = load_all(K8S / "secret.template.yaml")
    assert {(template["metadata"]["name"], key) for key in template["stringData"]} >= referenced
    (generated,) = load(K8S / "overlays" / "dev" / "kustomization.yaml")["secretGenerator"]
    dev_keys = {literal.split("=", 1)[0] for literal in generated["literals"]}
    assert {(generated["name"], key) for key in dev_keys} >= referenced


def test_scalable_workers_leave_the_replica_count_to_the_autoscaler(deployments):
    for name in SCALABLE:
        assert "replicas" not in deployments[name]["spec"], f"{name}: kubectl apply would fight the HPA"
    production = load(K8S / "overlays" / "production" / "kustomization.yaml")
    assert {item["name"] for item in production["replicas"]}.isdisjoint(SCALABLE)
    assert "../../components/keda" in production["components"]


def test_network_policy_denies_by_default_and_opens_the_api(deployments):
    policies = {doc["metadata"]["name"]: doc["spec"] for doc in documents(BASE, "NetworkPolicy")}
    deny = policies["wirewatch-default-deny"]
    assert deny["policyTypes"] == ["Ingress", "Egress"]
    assert "ingress" not in deny
    assert "egress" not in deny
    api = policies["wirewatch-ingress-api"]
    assert api["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "api"}
    internet = policies["wirewatch-egress-internet"]
    assert set(internet["podSelector"]["matchExpressions"][0]["values"]) == {"ingest", "notify"}
    assert "169.254.0.0/16" in internet["egress"][0]["to"][0]["ipBlock"]["except"]


def kustomizations() -> list[Path]:
    return sorted(K8S.rglob("kustomization.yaml"))


@pytest.mark.parametrize("path", kustomizations(), ids=lambda path: str(path.parent.relative_to(K8S)))
def test_every_file_a_kustomization_names_exists(path):
    config = load(path)
    named = [*config.get("resources", []), *config.get("components", [])]
    named += [patch["path"] for patch in config.get("patches", []) if "path" in patch]
    assert named, f"{path} names nothing"
    for entry in named:
        assert (path.parent / entry).exists(), f"{path}: {entry} does not exist"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_builds(overlay):
    command = kustomize_command()
    if command is None:
        pytest.skip("neither kustomize nor kubectl is installed")
    result = subprocess.run(
        [*command, str(K8S / "overlays" / overlay)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    built = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    deployments = {doc["metadata"]["name"]: doc for doc in built if doc["kind"] == "Deployment"}
    assert set(deployments) == set(SERVICES)
    namespaces = {doc["metadata"].get("namespace") for doc in built if doc["kind"] != "Namespace"}
    assert len(namespaces) == 1
    assert None not in namespaces
    for deployment in deployments.values():
        (spec,) = deployment["spec"]["template"]["spec"]["containers"]
        assert ":" in spec["image"], f"{spec['image']} has no tag"
    scaled = {doc["metadata"]["name"] for doc in built if doc["kind"] == "ScaledObject"}
    assert scaled == (set(SCALABLE) if overlay == "production" else set())

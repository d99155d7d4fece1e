"""deploy/k8s/components/monitoring: the PrometheusRule is deploy/prometheus/rules (generated, never drifting), the
ServiceMonitor scrapes every service under the job names the alerts expect, and every provisioned dashboard is a
ConfigMap for Grafana's sidecar. Checked on the production overlay as `kubectl kustomize` builds it."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from typing import Any

import pytest
import yaml

from .manifests import DEPLOY, K8S, SERVICES, kustomize_command, load, load_all

MONITORING = K8S / "components" / "monitoring"
GENERATOR = MONITORING / "prometheusrule.py"
RULES = sorted((DEPLOY / "prometheus" / "rules").glob("*.yml"))
DASHBOARDS = sorted((DEPLOY / "grafana" / "provisioning" / "dashboards" / "wirewatch").glob("*.json"))


@pytest.fixture(scope="module")
def production() -> list[dict[str, Any]]:
    command = kustomize_command()
    if command is None:
        pytest.skip("neither kustomize nor kubectl is installed")
    built = subprocess.run(
        [*command, str(K8S / "overlays" / "production")], capture_output=True, text=True, check=False, timeout=60
    )
    assert built.returncode == 0, built.stderr
    return [doc for doc in yaml.safe_load_all(built.stdout) if doc]


def of_kind(built: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [doc for doc in built if doc["kind"] == kind]


def test_the_prometheus_rule_is_generated_from_the_rules_file_and_up_to_date():
    checked = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, check=False, timeout=30
    )
    assert checked.returncode == 0, checked.stderr
    (rule,) = load_all(MONITORING / "prometheusrule.yaml")
    source_groups = [group for path in RULES for group in load(path)["groups"]]
    assert rule["kind"] == "PrometheusRule"
    assert rule["spec"]["groups"] == source_groups


def generator() -> Any:
    spec = importlib.util.spec_from_file_location("prometheusrule", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_stale_prometheus_rule_fails_the_check_and_writing_fixes_it(tmp_path, monkeypatch, capsys):
    module = generator()
    stale = tmp_path / "prometheusrule.yaml"
    stale.write_text((MONITORING / "prometheusrule.yaml").read_text().replace("for: 2m", "for: 3m"))
    monkeypatch.setattr(module, "TARGET", stale)
    assert module.main(["--check"]) == 1
    assert "is out of date: run python" in capsys.readouterr().err
    assert module.main([]) == 0
    assert module.main(["--check"]) == 0
    assert stale.read_text() == (MONITORING / "prometheusrule.yaml").read_text()


def test_the_production_overlay_carries_the_rules(production):
    (rule,) = of_kind(production, "PrometheusRule")
    assert rule["metadata"]["namespace"] == "wirewatch"
    alerts = {r["alert"] for group in rule["spec"]["groups"] for r in group["rules"]}
    assert "WirewatchServiceDown" in alerts


def test_the_service_monitor_scrapes_every_service_under_the_alerts_job_names(production):
    (monitor,) = of_kind(production, "ServiceMonitor")
    selector = monitor["spec"]["selector"]["matchLabels"]
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["path"] == "/metrics"
    selected = {
        service["metadata"]["name"]: service
        for service in of_kind(production, "Service")
        if selector.items() <= service["metadata"].get("labels", {}).items()
    }
    assert set(selected) == set(SERVICES)
    for service in selected.values():
        assert endpoint["port"] in {port["name"] for port in service["spec"]["ports"]}
    # The Operator names the job after the Service: the service-down alert must match each of them.
    (down,) = [r for r in load(RULES[0])["groups"][0]["rules"] if r.get("alert") == "WirewatchServiceDown"]
    jobs = re.search(r'job=~"([^"]+)"', down["expr"])
    assert jobs is not None
    assert set(jobs.group(1).split("|")) == set(SERVICES)


def test_the_metrics_port_is_open_to_the_monitoring_namespace(production):
    policies = {doc["metadata"]["name"]: doc["spec"] for doc in of_kind(production, "NetworkPolicy")}
    (rule,) = policies["wirewatch-ingress-metrics"]["ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": "http"}]


def test_every_dashboard_is_a_config_map_for_the_grafana_sidecar(production):
    maps = [
        doc for doc in of_kind(production, "ConfigMap") if doc["metadata"].get("labels", {}).get("grafana_dashboard")
    ]
    by_file = {name: (doc, text) for doc in maps for name, text in doc["data"].items()}
    assert set(by_file) == {path.name for path in DASHBOARDS}
    for path in DASHBOARDS:
        doc, text = by_file[path.name]
        assert doc["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert doc["metadata"]["namespace"] == "wirewatch"
        assert json.loads(text) == json.loads(path.read_text())
        assert len(text.encode()) < 256 * 1024  # kubectl apply's annotation limit


def test_only_production_needs_the_operator():
    assert "../../components/monitoring" in load(K8S / "overlays" / "production" / "kustomization.yaml")["components"]
    assert "components" not in load(K8S / "overlays" / "dev" / "kustomization.yaml")

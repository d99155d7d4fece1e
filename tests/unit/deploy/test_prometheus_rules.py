"""Prometheus scrape config and alert rules: structure, metric names from the catalogue, runbooks in the docs,
and promtool's own checks and unit tests when promtool is installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .manifests import DEPLOY, REPO, SERVICES
from .promql import metric_names, unknown_names

PROMETHEUS = DEPLOY / "prometheus"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.test.yml"))
# What the issue asks to be alerted on, by the alert that covers it.
REQUIRED_ALERTS = {
    "WirewatchServiceDown",
    "WirewatchFeedsStale",
    "WirewatchConsumerLagGrowing",
    "WirewatchDeadLettersGrowing",
    "WirewatchWebhookFailureRate",
}


def alerts() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            found.extend(rule for rule in group["rules"] if "alert" in rule)
    return found


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    if binary is None:
        pytest.skip("promtool not installed (Debian: apt-get install prometheus)")
    return subprocess.run([binary, *args], check=False, capture_output=True, text=True, cwd=PROMETHEUS)


def test_the_scrape_config_scrapes_every_service_and_loads_the_rules():
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    assert set(SERVICES) | {"nats"} <= jobs
    assert config["rule_files"] == ["rules/*.yml"]
    assert RULE_FILES


def test_every_required_alert_exists_with_severity_summary_and_a_runbook_in_the_docs():
    operations = (REPO / "docs" / "operations.md").read_text().lower()
    by_name = {rule["alert"]: rule for rule in alerts()}
    assert set(by_name) >= REQUIRED_ALERTS
    for name, rule in by_name.items():
        assert rule["labels"]["severity"] in {"warning", "critical"}, name
        assert rule["annotations"]["summary"], name
        anchor = rule["annotations"]["runbook"]
        assert anchor == f"docs/operations.md#{name.lower()}", name
        assert f"### {name.lower()}" in operations, f"{name} has no section in docs/operations.md"


def test_alert_expressions_only_read_catalogue_metrics():
    for rule in alerts():
        assert metric_names(rule["expr"]), rule["alert"]
        assert not unknown_names(rule["expr"]), (rule["alert"], unknown_names(rule["expr"]))


def test_every_alert_has_a_unit_test_that_fires_it_and_one_that_keeps_it_quiet():
    cases = [
        case
        for path in RULE_TESTS
        for group in yaml.safe_load(path.read_text())["tests"]
        for case in group.get("alert_rule_test", [])
    ]
    fired = {case["alertname"] for case in cases if case.get("exp_alerts")}
    quiet = {case["alertname"] for case in cases if not case.get("exp_alerts")}
    names = {rule["alert"] for rule in alerts()}
    assert names <= fired, f"never seen firing: {names - fired}"
    assert names <= quiet, f"never seen quiet: {names - quiet}"


def test_promtool_checks_the_config_and_rules():
    # The full check (not --syntax-only) also loads and checks every rule file the config names.
    checked = promtool("check", "config", "prometheus.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(RULE_FILES)} rule files found" in checked.stdout + checked.stderr
    checked = promtool("check", "rules", *(str(path) for path in RULE_FILES))
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("path", RULE_TESTS, ids=lambda path: Path(path).name)
def test_promtool_runs_the_alert_unit_tests(path: Path):
    tested = promtool("test", "rules", str(path))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout + tested.stderr

"""The Prometheus config `wirewatch dev` generates: the production job names and rules file, loopback only, valid
for promtool; and what dev says when Prometheus cannot run."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from wirewatch.cli.dev_prometheus import (
    DevPrometheus,
    PrometheusError,
    banner_line,
    deploy_prometheus_dir,
    for_stack,
    scrape_config,
)
from wirewatch.cli.stack import DEFAULT_PORTS, Stack

REPO = Path(__file__).resolve().parents[3]
DEPLOY_PROMETHEUS = REPO / "deploy" / "prometheus"


def test_the_deploy_directory_is_found_from_the_checkout():
    assert deploy_prometheus_dir() == DEPLOY_PROMETHEUS


def test_jobs_are_named_like_production_and_the_rules_are_production_s(tmp_path: Path):
    prometheus = DevPrometheus(tmp_path, DEFAULT_PORTS, port=9999, rules_dir=DEPLOY_PROMETHEUS / "rules")
    config = yaml.safe_load(prometheus.write_config().read_text())
    production = yaml.safe_load((DEPLOY_PROMETHEUS / "prometheus.yml").read_text())
    production_jobs = {job["job_name"] for job in production["scrape_configs"]}
    dev_jobs = {job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]}
    # Every dev job exists in production (so the alert rules' job matchers hold); only the NATS exporter is not run.
    assert set(dev_jobs) <= production_jobs
    assert production_jobs - set(dev_jobs) == {"nats"}
    assert dev_jobs == {
        **{name: [f"127.0.0.1:{port}"] for name, port in DEFAULT_PORTS.items()},
        "prometheus": ["127.0.0.1:9999"],
    }
    assert config["rule_files"] == [str(DEPLOY_PROMETHEUS.resolve() / "rules" / "*.yml")]


def test_the_generated_config_passes_promtool_with_the_rules(tmp_path: Path):
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (Debian: apt-get install prometheus)")
    path = DevPrometheus(tmp_path, {"api": 8080}, port=9999, rules_dir=DEPLOY_PROMETHEUS / "rules").write_config()
    checked = subprocess.run([promtool, "check", "config", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 6 rules found" in checked.stdout + checked.stderr


def test_without_a_deploy_directory_there_are_no_rule_files():
    config = scrape_config({"api": 1}, port=2, rules_dir=None, scrape_interval=1)
    assert "rule_files" not in config
    assert config["global"]["scrape_interval"] == "1s"


def test_without_the_binary_dev_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no prometheus here
    stack = Stack(tmp_path / "state", services=["api"], ports={"api": 0}, nats_url="nats://x", mongo_url="mongodb://x")
    assert for_stack(stack, port=0) is None
    assert (
        banner_line(None)
        == "not started: prometheus not found on PATH; install it to get one (Debian: apt-get install prometheus)"
    )
    with pytest.raises(PrometheusError, match="prometheus not found on PATH"):
        DevPrometheus(tmp_path, {"api": 1}, port=0).start()


def test_a_taken_port_is_refused_before_anything_starts(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        prometheus = DevPrometheus(tmp_path, {"api": 1}, port=port, executable=Path("/bin/false"))
        with pytest.raises(PrometheusError, match=f"port {port} on 127.0.0.1 is taken; set WIREWATCH_PROMETHEUS_PORT"):
            prometheus.start()
    assert prometheus.process is None


def test_a_prometheus_that_dies_at_start_is_reported_with_its_log(tmp_path: Path):
    prometheus = DevPrometheus(tmp_path, {"api": 1}, port=0, executable=Path("/bin/false"))
    with pytest.raises(PrometheusError, match="prometheus exited before it was ready; last lines of"):
        prometheus.start(ready_timeout=10)
    assert prometheus.process is not None
    assert not prometheus.process.running()
    line = banner_line(prometheus, "port 9090 on 127.0.0.1 is taken")
    assert line == "not started: port 9090 on 127.0.0.1 is taken"
    running = banner_line(prometheus)
    assert prometheus.url in running
    assert "/targets" in running
    assert str(tmp_path.resolve() / "prometheus" / "data") in running

"""docker-compose.yml: every service builds, starts after healthy dependencies, and reads only documented env."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from .manifests import (
    COMPOSE_FILE,
    DEPLOY,
    PORTS,
    REPO,
    SCALABLE,
    SERVICES,
    compose_available,
    env_example_keys,
    load,
    load_all,
    yaml_files,
)

# Always on (no profile): every profile needs the bus and the database.
INFRASTRUCTURE = {"nats", "mongo"}
OBSERVABILITY = {"prometheus", "grafana", "nats-exporter"}
# Scratch image without a shell; Prometheus' `up` watches it instead of a healthcheck.
NO_HEALTHCHECK = {"nats-exporter"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = load(COMPOSE_FILE)
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]  # type: ignore[no-any-return]


def dockerfile(service: dict[str, Any]) -> str:
    build = service["build"]
    path = REPO / str(build["context"]) / str(build.get("dockerfile", "Dockerfile"))
    assert path.is_file(), f"{path} does not exist"
    return path.read_text(encoding="utf-8")


def test_every_yaml_file_parses_into_mappings():
    paths = yaml_files()
    assert len(paths) > 10
    for path in paths:
        documents = load_all(path)
        assert documents, f"{path} is empty"
        assert all(isinstance(document, dict) for document in documents), path


def test_the_stack_is_the_five_services_plus_infrastructure_and_observability(services):
    assert set(services) == set(SERVICES) | INFRASTRUCTURE | OBSERVABILITY


@pytest.mark.parametrize("name", SERVICES)
def test_service_builds_from_its_own_multi_stage_non_root_dockerfile(services, name):
    service = services[name]
    text = dockerfile(service)
    assert service["build"]["dockerfile"] == f"services/{name}/Dockerfile"
    assert len(re.findall(r"^FROM ", text, re.MULTILINE)) >= 2, "not a multi-stage build"
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users, "the image runs as root"
    assert users[-1] not in {"root", "0"}


@pytest.mark.parametrize("name", SERVICES)
def test_service_has_a_healthcheck_on_its_own_port(services, name):
    service = services[name]
    port = PORTS[name]
    text = dockerfile(service)
    if "healthcheck" in service:
        check = " ".join(service["healthcheck"]["test"])
    else:
        match = re.search(r"^HEALTHCHECK .*?CMD (.*)$", text, re.MULTILINE | re.DOTALL)
        assert match, f"{name}: no healthcheck in compose or in the Dockerfile"
        check = match.group(1)
    assert f"127.0.0.1:{port}/" in check
    assert re.search(rf"^EXPOSE {port}$", text, re.MULTILINE)


@pytest.mark.parametrize("name", SERVICES)
def test_service_waits_for_healthy_nats_and_mongo_and_is_in_the_app_profile(services, name):
    service = services[name]
    assert service["depends_on"] == {
        "nats": {"condition": "service_healthy"},
        "mongo": {"condition": "service_healthy"},
    }
    assert service["profiles"] == ["app"]


@pytest.mark.parametrize("name", SERVICES)
def test_service_is_locked_down_and_stops_gracefully(services, name):
    service = services[name]
    assert service["read_only"] is True
    assert service["tmpfs"] == ["/tmp"]
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]
    assert int(service["stop_grace_period"].removesuffix("s")) >= 60


def test_every_dependency_with_a_health_condition_has_a_healthcheck(services):
    for name, service in services.items():
        for target, rule in service.get("depends_on", {}).items():
            assert target in services, f"{name} depends on unknown {target}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}, which has no healthcheck"


def test_profiles_everything_but_the_infrastructure(services):
    for name, service in services.items():
        if name in INFRASTRUCTURE:
            assert "profiles" not in service, f"{name} is needed by every profile"
        elif name in OBSERVABILITY:
            assert service["profiles"] == ["observability"]
        else:
            assert service["profiles"] == ["app"]
    for name in services.keys() - NO_HEALTHCHECK - set(SERVICES):
        assert "healthcheck" in services[name], f"{name} has no healthcheck"


def test_mongo_is_a_replica_set_and_services_connect_as_one(services):
    assert "--replSet" in services["mongo"]["command"]
    assert "rs.initiate" in " ".join(services["mongo"]["healthcheck"]["test"])
    for name in SERVICES:
        url = services[name]["environment"]["WIREWATCH_MONGO_URL"]
        assert url.startswith("mongodb://mongo:27017/")
        assert "replicaSet=rs0" in url


def test_nats_runs_jetstream_with_a_volume_and_monitoring(services):
    nats = services["nats"]
    assert "-js" in nats["command"]
    assert nats["command"][nats["command"].index("-sd") + 1] == "/data"
    assert any(volume.endswith(":/data") for volume in nats["volumes"])
    assert "8222/healthz" in " ".join(nats["healthcheck"]["test"])
    for name in SERVICES:
        assert services[name]["environment"]["WIREWATCH_NATS_URL"] == "nats://nats:4222"


def test_scalable_services_publish_no_host_port_and_published_ports_do_not_clash(services):
    for name in SCALABLE:
        assert "ports" not in services[name], f"{name} cannot be scaled while it publishes a host port"
        assert "replicas" in services[name]["deploy"]
    published = [mapping.rsplit(":", 2)[-2] for service in services.values() for mapping in service.get("ports", [])]
    assert len(published) == len(set(published)), published


def test_every_variable_the_compose_file_uses_is_in_env_example(services):
    documented = env_example_keys()
    interpolated = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", COMPOSE_FILE.read_text(encoding="utf-8")))
    settings = {key for service in services.values() for key in service.get("environment", {}) if "WIREWATCH" in key}
    assert interpolated, "expected ${...} variables"
    assert interpolated - documented == set()
    assert settings - documented == set()


def test_every_wirewatch_variable_in_env_example_is_a_real_setting():
    from wirewatch.api.settings import ApiSettings  # noqa: PLC0415
    from wirewatch.dedupe.settings import DedupeSettings  # noqa: PLC0415
    from wirewatch.enrich.settings import EnrichSettings  # noqa: PLC0415
    from wirewatch.ingest.settings import IngestSettings  # noqa: PLC0415
    from wirewatch.notify.settings import NotifySettings  # noqa: PLC0415
    from wirewatch.runtime import ServiceSettings  # noqa: PLC0415

    # Settings every service reads under one shared name (WIREWATCH_NATS_URL, ...), whatever its own prefix.
    shared = {
        alias.upper()
        for field in ServiceSettings.model_fields.values()
        if field.validation_alias is not None
        for alias in getattr(field.validation_alias, "choices", [])
        if isinstance(alias, str) and alias.startswith("WIREWATCH_")
    }
    assert {"WIREWATCH_NATS_URL", "WIREWATCH_MONGO_URL", "WIREWATCH_MONGO_DB", "WIREWATCH_LOG_LEVEL"} <= shared
    classes: list[type[ServiceSettings]] = [ApiSettings, DedupeSettings, EnrichSettings, IngestSettings, NotifySettings]
    prefixes = {str(cls.model_config["env_prefix"]): set(cls.model_fields) for cls in classes}
    for key in env_example_keys():
        if not key.startswith("WIREWATCH_") or key in shared:
            continue
        known = [
            prefix
            for prefix, fields in prefixes.items()
            if key.startswith(prefix) and key[len(prefix) :].lower() in fields
        ]
        assert known, f".env.example documents {key}, which no settings class reads"


def test_prometheus_scrapes_every_service_and_the_nats_exporter(services):
    config = load(DEPLOY / "prometheus" / "prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for name, port in PORTS.items():
        discovery = jobs[name]["dns_sd_configs"][0]
        assert discovery["names"] == [name]
        assert discovery["port"] == port
    assert jobs["nats"]["static_configs"][0]["targets"] == ["nats-exporter:7777"]
    assert "-jsz=all" in services["nats-exporter"]["command"]
    mounts = services["prometheus"]["volumes"]
    assert "./deploy/prometheus:/etc/prometheus:ro" in mounts


def test_grafana_datasource_points_at_the_compose_prometheus(services):
    provisioning = DEPLOY / "grafana" / "provisioning"
    (datasource,) = load(provisioning / "datasources" / "prometheus.yml")["datasources"]
    assert datasource["type"] == "prometheus"
    assert datasource["url"] == "http://prometheus:9090"
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in services["grafana"]["volumes"]


def test_docker_compose_config_accepts_the_file():
    if not compose_available():
        pytest.skip("the docker compose plugin is not installed")
    for profiles in ([], ["--profile", "app", "--profile", "observability"]):
        result = subprocess.run(
            [
                "docker",
                "compose",
                "-f",
                str(COMPOSE_FILE),
                "--env-file",
                str(REPO / ".env.example"),
                *profiles,
                "config",
                "--quiet",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr

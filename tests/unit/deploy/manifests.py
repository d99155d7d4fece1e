"""Reading the deployment files and the facts in the code they must agree with (ports, streams, durables)."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE_FILE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"

# Where each service listens (its settings' default port, the Dockerfile's EXPOSE, the manifests' probes).
PORTS = {"api": 8080, "ingest": 8081, "enrich": 8082, "dedupe": 8083, "notify": 8084}
SERVICES = tuple(PORTS)
# The consumers that scale out on lag; ingest and api do not (feed polling, published ports).
SCALABLE = ("enrich", "dedupe", "notify")


def yaml_files() -> list[Path]:
    """Every YAML file we ship for deployment."""
    return sorted([COMPOSE_FILE, *DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.yml")])


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_all(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def documents(directory: Path, kind: str) -> list[dict[str, Any]]:
    """Every manifest of ``kind`` in the YAML files directly under ``directory``."""
    return [
        doc
        for path in sorted(directory.glob("*.yaml"))
        if path.name != "kustomization.yaml"
        for doc in load_all(path)
        if doc.get("kind") == kind
    ]


def env_example_keys() -> set[str]:
    lines = (line.strip() for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines())
    return {line.split("=", 1)[0].strip() for line in lines if line and not line.startswith("#") and "=" in line}


def durable_consumers(service: str) -> set[tuple[str, str]]:
    """(stream name, durable name) of every durable consumer the service's handlers.py declares.

    Read from the source: every call with a ``durable="..."`` keyword, its ``stream=`` given as a contracts
    stream definition (``ARTICLES_STREAM``) or as ``JStream(ARTICLES_STREAM.name, ...)``, resolved through the
    contracts, so renaming a stream or a durable changes what this returns.
    """
    import wirewatch.contracts as contracts  # noqa: PLC0415 - only these tests need the contracts

    path = REPO / "services" / service / "src" / "wirewatch" / service / "handlers.py"
    consumers = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        durable = keywords.get("durable")
        if not (isinstance(durable, ast.Constant) and isinstance(durable.value, str)):
            continue
        stream = _stream_definition_name(keywords.get("stream"))
        assert stream is not None, f"{path}:{node.lineno}: cannot tell which stream durable {durable.value!r} reads"
        consumers.add((getattr(contracts, stream).name, durable.value))
    return consumers


def _stream_definition_name(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Name):  # stream=ARTICLES_STREAM
        return node.id
    if isinstance(node, ast.Call) and node.args:  # stream=JStream(ARTICLES_STREAM.name, declare=False)
        first = node.args[0]
        if isinstance(first, ast.Attribute) and first.attr == "name" and isinstance(first.value, ast.Name):
            return first.value.id
    return None


def kustomize_command() -> list[str] | None:
    """``kustomize build`` or ``kubectl kustomize``, whichever is installed."""
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


def compose_available() -> bool:
    if not shutil.which("docker"):
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False, timeout=30)
    return probe.returncode == 0

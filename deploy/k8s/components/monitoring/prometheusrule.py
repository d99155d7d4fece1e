"""Writes prometheusrule.yaml (a Prometheus Operator PrometheusRule) from deploy/prometheus/rules/*.yml.

Kustomize cannot place the contents of a YAML file into a field of a custom resource, so the rules for clusters
that run the Prometheus Operator are generated from the one rules file that docker-compose, `wirewatch dev` and
the promtool unit tests use. tests/unit/deploy/test_k8s_monitoring.py fails when the two differ.

    python deploy/k8s/components/monitoring/prometheusrule.py          # rewrite prometheusrule.yaml
    python deploy/k8s/components/monitoring/prometheusrule.py --check  # exit 1 when it is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
RULES = HERE.parents[2] / "prometheus" / "rules"
TARGET = HERE / "prometheusrule.yaml"
HEADER = (
    "# Generated from deploy/prometheus/rules by deploy/k8s/components/monitoring/prometheusrule.py; do not edit.\n"
    "# Change the rules there, then run that script (the deploy tests fail while this file is out of date).\n"
)


class _Dumper(yaml.SafeDumper):
    """Multi-line PromQL as a literal block, as it is written in the rules file."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def rule_groups() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for path in sorted(RULES.glob("*.yml")):
        groups.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["groups"])
    return groups


def render() -> str:
    resource = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "wirewatch-alerts"},
        "spec": {"groups": rule_groups()},
    }
    return HEADER + yaml.dump(resource, Dumper=_Dumper, sort_keys=False, width=120)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            sys.stderr.write(f"{TARGET} is out of date: run python {Path(__file__)}\n")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

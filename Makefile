# wirewatch — developer entry points. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := libs/contracts libs/runtime libs/testing services/ingest services/enrich services/dedupe \
	services/notify services/api cli
PYPROJECTS := $(addsuffix /pyproject.toml,$(PACKAGES))

.PHONY: install run test test-unit test-integration lint typecheck format bench chaos prometheusrule clean

install: $(STAMP)

# Reinstall only when a package's metadata or the pins change; editable installs pick up code edits.
$(STAMP): constraints.txt requirements-dev.txt $(PYPROJECTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --constraint constraints.txt uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python --constraint constraints.txt \
		-r requirements-dev.txt $(addprefix -e ,$(PACKAGES))
	touch $(STAMP)

run: install
	$(BIN)/wirewatch dev

test: install
	$(BIN)/python -m pytest

test-unit: install
	$(BIN)/python -m pytest tests/unit

test-integration: install
	$(BIN)/python -m pytest tests/integration tests/e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) typecheck

typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The whole pipeline under load on its own embedded stack (free ports, temp dir): about 2-4 minutes.
bench: install
	mkdir -p .wirewatch
	$(BIN)/wirewatch bench --json .wirewatch/bench.json

# Fault tests at the issue's size: kill -9 each service, restart nats-server and the database, a 30 s database
# outage and poison messages during a 5000-article run; every wait is bounded. `make test` runs them small.
CHAOS_ARTICLES ?= 5000
chaos: install
	mkdir -p .wirewatch
	rm -f .wirewatch/chaos.json
	WIREWATCH_CHAOS_ARTICLES=$(CHAOS_ARTICLES) WIREWATCH_CHAOS_REPORT=.wirewatch/chaos.json \
		$(BIN)/python -m pytest -m chaos tests/chaos -v -s

# The Kubernetes PrometheusRule, generated from deploy/prometheus/rules: run after editing an alert rule.
prometheusrule: install
	$(BIN)/python deploy/k8s/components/monitoring/prometheusrule.py

clean:
	rm -rf $(VENV) .wirewatch .mypy_cache .ruff_cache .pytest_cache

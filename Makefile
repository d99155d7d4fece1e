# wirewatch — developer entry points. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := libs/contracts libs/runtime libs/testing services/ingest services/enrich services/dedupe \
	services/notify services/api cli
PYPROJECTS := $(addsuffix /pyproject.toml,$(PACKAGES))

.PHONY: install run test test-unit test-integration lint typecheck format bench chaos fuzz loadtest prometheusrule clean

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

# The whole pipeline under load on its own embedded stack (free ports, temp dir); under 5 minutes.
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

# The bad-input campaign: every fuzz target in tests/fuzz at its campaign size (thousands of cases each, about five
# minutes on two idle cores); prints the cases run and failures per target. `make test` runs them small.
fuzz: install
	WIREWATCH_FUZZ=campaign $(BIN)/python -m pytest tests/fuzz -q --timeout 900

# The api under bounded concurrent load on its own seeded stack, alone and while the pipeline takes
# LOADTEST_RATE articles/s: requests/s and p50/p95/p99 per read endpoint; under three minutes.
LOADTEST_RATE ?= 20
loadtest: install
	$(BIN)/wirewatch loadtest --with-pipeline $(LOADTEST_RATE)

# The Kubernetes PrometheusRule, generated from deploy/prometheus/rules: run after editing an alert rule.
prometheusrule: install
	$(BIN)/python deploy/k8s/components/monitoring/prometheusrule.py

clean:
	rm -rf $(VENV) .wirewatch .mypy_cache .ruff_cache .pytest_cache

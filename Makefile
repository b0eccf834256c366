# The verbs people type. Every target bootstraps the virtualenv it needs.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: browser eval guard-eval bench chaos docs venv run test test-unit test-integration test-e2e lint fmt check schemas stack-up stack-down compose-up clean

$(STAMP): pyproject.toml constraints.txt
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || { \
		echo "venv failed; installing python3-venv"; \
		apt-get update -qq && apt-get install -y -qq python3-venv && $(PY) -m venv $(VENV); }
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

## run the pipeline on the embedded local stack with sample tickets (Ctrl-C stops)
run: venv
	$(BIN)/python -m libs.devstack run

## Debian's chromium for the approval inbox browser test (Playwright drives the system binary)
browser:
	@command -v chromium >/dev/null || { \
		echo "installing chromium (Debian package) for the browser test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## the whole test suite (starts the local stack itself)
test: venv browser
	$(BIN)/pytest -q -p no:cacheprovider

## triage accuracy of the local model (and of Claude when ANTHROPIC_API_KEY is set)
eval: venv
	$(BIN)/python -m services.agent.evaluate

## guard detection and false-positive rates with confidence intervals, and throughput;
## then the classifier validated leaving one dev author out at a time
guard-eval: venv
	$(BIN)/python -m services.guard.evaluate
	$(BIN)/python -m services.guard.classifier_train

## throughput and latency against same-run baselines; writes bench/results/
bench: venv
	$(BIN)/python -m bench

## kill and restart services and Redis while tickets flow; check exactly-once outcomes
chaos: venv
	$(BIN)/python -m tests.chaos

test-unit: venv
	$(BIN)/pytest -q -p no:cacheprovider tests/unit

test-integration: venv
	$(BIN)/pytest -q -p no:cacheprovider tests/integration

test-e2e: venv
	$(BIN)/pytest -q -p no:cacheprovider tests/e2e

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint test

## regenerate schemas/jsonschema from the models
schemas: venv
	$(BIN)/python -m schemas.export

stack-up: venv
	$(BIN)/python -m libs.devstack up

stack-down: venv
	$(BIN)/python -m libs.devstack down

compose-up:
	docker compose up --build

clean:
	rm -rf $(VENV) .devstack .pytest_cache .mypy_cache .ruff_cache

## regenerate the README settings table and .env.example from the settings classes
docs: venv
	$(BIN)/python -m libs.configdoc write

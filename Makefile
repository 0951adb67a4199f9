# One entry per task. Each target installs what it needs, so a fresh machine needs only python3.
UV := python3 -m uv
DATA ?= data

.PHONY: setup test lint demo bench

setup:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .

test: lint
	$(UV) run pytest

demo: setup
	$(UV) run policy-monitor sample-data $(DATA)/samples
	$(UV) run policy-monitor ingest cpi $(DATA)/samples/cpi_*
	$(UV) run policy-monitor ingest beneficiaries $(DATA)/samples/beneficiaries_*
	$(UV) run policy-monitor ingest funds $(DATA)/samples/direct_funds_*
	$(UV) run policy-monitor ingest payments $(DATA)/samples/payments_*
	$(UV) run policy-monitor ingest bonds $(DATA)/samples/special_bonds_*
	$(UV) run policy-monitor status

bench: setup
	$(UV) run python -m bench.ingest_bench
	$(UV) run python -m bench.evaluate_bench

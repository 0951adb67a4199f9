# One entry per task. Each target installs what it needs, so a fresh machine needs only python3.
UV := python3 -m uv
DATA ?= data

.PHONY: setup browser test lint demo bench dashboard

setup:
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

# Debian's Chromium drives the dashboard's browser tests (a test tool's own browser download
# cannot work here); the font draws Chinese in screenshots.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list | grep -qi wenquanyi || \
		{ apt-get update && apt-get install -y chromium fonts-wqy-microhei; }

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .

test: lint browser
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
	$(UV) run python -m bench.dashboard_bench

# One entry per task. Each target installs what it needs, so a fresh machine needs only python3.
UV := python3 -m uv
DATA ?= data
PORT ?= 8050

.PHONY: setup browser test lint demo bench

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
	$(UV) run policy-monitor demo --port $(PORT)

bench: setup
	$(UV) run python -m bench.ingest_bench
	$(UV) run python -m bench.evaluate_bench
	$(UV) run python -m bench.dashboard_bench

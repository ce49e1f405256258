# Two commands for a fresh machine: `make demo` (portal with the demo corpus) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench install browser axe

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[scale,dev]'
	# google-reader declares Python >= 3.12 but runs on 3.11: the API tests drive it
	$(BIN)/pip install -q --ignore-requires-python 'google-reader>=0.0.3'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/newsloom demo

# Browser tests drive Debian's Chromium; install it (and CJK fonts) when apt can.
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
		apt-get install -y -q chromium fonts-noto-cjk >/dev/null; } || \
		echo "chromium not installed: browser tests will be skipped"

# The accessibility audit runs axe-core (npm) inside those browser tests.
axe:
	@command -v npm >/dev/null 2>&1 && npm ci -s --no-audit --no-fund || \
		echo "npm not available: the accessibility audit will be skipped"

test: $(STAMP) browser axe
	$(BIN)/ruff check newsloom tests benchmarks
	$(BIN)/pytest -q
	NEWSLOOM_TEST_SCALE=1 $(BIN)/pytest -q -m ingest

lint: $(STAMP)
	$(BIN)/ruff check newsloom tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/clustering.py
	$(BIN)/python benchmarks/intelligence.py
	$(BIN)/python benchmarks/sync.py

# The README's two commands: `make site` (install, then build) and `make test` (install, then test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test serve check install browser

$(BIN)/campus: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/campus

install: $(BIN)/campus

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium manque : sudo apt-get install chromium" >&2; exit 1; fi; }

site: install
	$(BIN)/campus check
	$(BIN)/mkdocs build --strict

test: install browser
	$(BIN)/python -m pytest

serve: install
	$(BIN)/mkdocs serve

check: install
	$(BIN)/campus check

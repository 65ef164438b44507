# The README's two commands: `make site` (install, then build) and `make test` (install, then test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test serve check install browser axe

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

# axe-core, the accessibility rules of the browser tests: from the npm registry, pinned, into the
# gitignored build/axe/ (npm checks the package's integrity; a new version re-installs).
AXE_VERSION := 4.14.1
AXE_STAMP := build/axe/axe-core-$(AXE_VERSION).installed

$(AXE_STAMP):
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else echo "npm manque : sudo apt-get install npm" >&2; exit 1; fi; }
	rm -rf build/axe
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix build/axe axe-core@$(AXE_VERSION)
	touch $@

axe: $(AXE_STAMP)

test: install browser axe
	$(BIN)/python -m pytest

serve: install
	$(BIN)/mkdocs serve

check: install
	$(BIN)/campus check

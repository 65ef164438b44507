# The README's two commands: `make site` (install, then build) and `make test` (install, then test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test serve check install browser lock axe

# Only the files of requirements.lock, each checked against its sha256, then the project itself
# without resolving anything (its build backend, setuptools, is in the lock too).
$(BIN)/campus: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(BIN)/campus

install: $(BIN)/campus

# Re-resolve requirements.lock from pyproject.toml (dependencies, test extra, build backend) with a
# pinned pip-tools in its own venv: run after changing a dependency, commit both files.
PIP_TOOLS_VERSION := 7.5.2
lock:
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install --quiet pip-tools==$(PIP_TOOLS_VERSION)
	build/lock-venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --extra test --build-deps-for editable --no-emit-index-url --no-emit-find-links \
	  --output-file requirements.lock pyproject.toml

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

# The README's two commands: `make site` (install, then build) and `make test` (install, then test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Material for MkDocs prints a 12-line end-of-life notice at every build; what Campus does about it is
# README's « Builder continuity », so the notice has nothing left to tell a build.
export NO_MKDOCS_2_WARNING := 1

.PHONY: site site-properdocs test serve check fmt install browser java rsync lock npm

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

# Java for the W3C Nu HTML Checker (vnu-jar) the tests run.
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "Java manque : sudo apt-get install default-jre-headless" >&2; exit 1; fi; }

# Debian's rsync for gitlab-ci-local's --shell-isolation (tests/test_packaging.py runs a new site's pipeline).
rsync:
	@command -v rsync >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync >/dev/null; \
	  else echo "rsync manque : sudo apt-get install rsync" >&2; exit 1; fi; }

site: install npm
	$(BIN)/campus check
	$(BIN)/mkdocs build --strict

# The same site built by ProperDocs, the maintained MkDocs 1.6 fork (README, « Builder continuity »):
# same mkdocs.yml (named explicitly: ProperDocs looks for properdocs.yml first), same plugin and theme.
site-properdocs: install npm
	$(BIN)/campus check
	$(BIN)/properdocs build --strict -f mkdocs.yml

# The npm tools, pinned with their integrity in package-lock.json (`npm ci` checks every file):
# Pagefind (search index), axe-core and pa11y (accessibility), vnu-jar (W3C HTML checker),
# yaml-language-server (editors' help). Into the gitignored node_modules/; no install scripts
# run, and puppeteer (pa11y's) downloads no browser: the tests use Debian's chromium.
NPM_STAMP := node_modules/.campus-installed

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else echo "npm manque : sudo apt-get install npm" >&2; exit 1; fi; }
	PUPPETEER_SKIP_DOWNLOAD=true npm ci --silent --ignore-scripts --no-audit --no-fund
	touch $@

npm: $(NPM_STAMP)

test: install browser java rsync npm
	$(BIN)/python -m pytest

serve: install npm
	$(BIN)/mkdocs serve --dirty

check: install
	$(BIN)/campus check

# Every catalogue file in the web editor's format (generator/catalogue/fmt.py).
fmt: install
	$(BIN)/campus fmt

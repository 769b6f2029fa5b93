# The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app app
CATALOGS := $(wildcard participation/translations/*/LC_MESSAGES/messages.po)
# Installs come from the locks (exact versions, hashes); `make lock` refreshes them from pyproject.toml,
# `make lock LOCK_ARGS=--upgrade` moves every pin to the newest release the bounds allow.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
LOCK_ARGS ?=
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.PHONY: run test bench bench-load install install-dev translations extract-messages lint lock audit chromium nginx clean

# Debian splits venv off Python (package python3-venv): root installs it, everyone else gets told how.
$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) >/dev/null 2>&1 || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's python3-venv ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	  else \
	    echo "!!! '$(PYTHON) -m venv' failed. Install venv support: sudo apt-get install python3-venv"; exit 1; \
	  fi; \
	  $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

# Dependencies from the lock, checked against its hashes; then the project itself, without resolving again.
$(VENV)/.installed: $(BIN)/python pyproject.toml $(LOCK)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# The dev lock holds every runtime pin too (compiled with the runtime lock as constraint).
$(VENV)/.installed-dev: $(BIN)/python pyproject.toml $(DEV_LOCK)
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(VENV)/.installed $@

install: $(VENV)/.installed translations pango
install-dev: $(VENV)/.installed-dev translations pango

# The PDF report (WeasyPrint) needs Debian's Pango; most images have it, a minimal one may not.
pango:
	@if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's Pango for the PDF report ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null) \
	      || echo "!!! apt-get could not install Pango; the PDF report will fail."; \
	  else \
	    echo "!!! Pango is missing: the PDF report (Bericht als PDF) will fail."; \
	    echo "!!! Install it with: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; \
	  fi; \
	fi

# Compiled catalogues are build output (.gitignore); rebuilt whenever a .po file changes.
translations: $(CATALOGS:.po=.mo)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	# The search index starts empty after migration 0011 on an existing database; rebuilding is idempotent.
	$(FLASK) search reindex
	HOST=$(HOST) PORT=$(PORT) $(FLASK) serve

test: install-dev chromium nginx
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Browser tests need Debian's Chromium; root installs it, everyone else gets told how.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "!!! apt-get could not install chromium; browser tests will be SKIPPED."; \
	  else \
	    echo "!!! /usr/bin/chromium is missing: browser tests will be SKIPPED."; \
	    echo "!!! Enable them with: sudo apt-get install chromium"; \
	  fi; \
	fi

# The proxy tests (tests/ops/test_nginx.py) run Debian's nginx as the current user; root installs it.
nginx:
	@if [ ! -x /usr/sbin/nginx ] && ! command -v nginx >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's nginx for the proxy tests ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null) \
	      || echo "!!! apt-get could not install nginx; proxy tests will be SKIPPED."; \
	  else \
	    echo "!!! nginx is missing: proxy tests (tests/ops/test_nginx.py) will be SKIPPED."; \
	    echo "!!! Enable them with: sudo apt-get install nginx"; \
	  fi; \
	fi

bench: install-dev
	$(BIN)/python -m bench

# The load test alone (bench/load): its own PostgreSQL database, Redis, 2 x 2 gunicorn workers on loopback
# ports; everything it starts it removes again. Not part of `make test` or CI.
bench-load: install-dev
	$(BIN)/python -m bench.load

extract-messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --ignore-dirs '.* __pycache__' --project participation --version 0.1.0 -o participation/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i participation/translations/messages.pot -d participation/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -m participation.core.catalogs fill-german

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check participation tests bench
	$(BIN)/ruff format --check participation tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# Known vulnerabilities in the pinned versions (PyPI's advisory data) fail it. Packages it could not
# look up are listed as "could not be audited" (.ci/run counts them loudly); --strict would fail on
# every machine whose network does not answer PyPI's per-version JSON API.
audit: $(VENV)/.installed-dev
	$(BIN)/pip-audit --progress-spinner off --disable-pip --require-hashes -r $(DEV_LOCK)

# The runtime lock first; the dev lock takes it as constraint so both agree on every shared pin.
lock: $(VENV)/.installed-dev
	$(PIP_COMPILE) -o $(LOCK) pyproject.toml
	$(PIP_COMPILE) --extra dev -c $(LOCK) -o $(DEV_LOCK) pyproject.toml

clean:
	rm -rf $(VENV) instance/participation.sqlite

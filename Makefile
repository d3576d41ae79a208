# Two commands on a fresh machine: `make run` and `make test`. Only Python 3.11+ and make needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-cluster test-browser screenshots document-pictures lint migrations-check messages clean bench vendor

# The virtualenv is rebuilt when pyproject.toml changes; test tools are a separate stamp so
# `make run` never installs them.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet ".[test]"
	touch $@

# The task worker (it sends the mail) runs beside the development server and stops with it.
# The mail's links point at the address served, unless SITE_URL is set in the environment.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo
	$(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# One pytest worker per CPU (pytest-xdist), each with its own test database and browser;
# TEST_WORKERS=0 runs the suite in one process (to debug a failure with pdb, say). A worker
# that runs out of tests takes some of the other's (worksteal): the few long browser tests
# would otherwise leave one worker running alone at the end.
TEST_WORKERS ?= auto
DIST := $(if $(filter 0,$(TEST_WORKERS)),,--dist worksteal)
test: $(VENV)/.installed-test
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(DIST) --durations=15

# The portal as a province runs it, on this machine (tests/cluster/harness.py): PostgreSQL
# primary and synchronous standby, Redis, two gunicorn app servers with their task workers,
# nginx in front; then the tests that drive it through nginx (a login and an upload crossing
# servers, an app server killed under load, a failover, the digest on both nodes). Needs the
# Debian packages postgresql (the newest installed, or PG_BIN), redis-server, nginx-light and
# wrk (.ci/run installs them); stops and removes everything when done, failed or not. About a
# minute (51-56 s measured).
test-cluster: $(VENV)/.installed-test
	CLUSTER_TESTS=1 $(VENV)/bin/pytest -p no:xdist -p no:cacheprovider tests/cluster

test-browser: $(VENV)/.installed-test
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(DIST) -m browser

# Each role's first screen at 1366 and 375 px, on the demo, into docs/screenshots/ (README,
# docs/features.md and the guides in docs/huong-dan/ show them): the browser test that checks
# those pages keeps its pictures there.
screenshots: $(VENV)/.installed-test
	SCREENSHOTS_DIR=docs/screenshots $(VENV)/bin/pytest -p no:xdist tests/browser/test_screenshots.py

# The first page of the demo's conclusion notice (Party and state layouts) and round report as
# LibreOffice prints them, into docs/documents/ (docs/documents.md shows them): the render tests
# that check those documents keep their pictures there. Needs LibreOffice (see docs/documents.md, "PDF").
document-pictures: $(VENV)/.installed-test
	DOCUMENT_PICTURES_DIR=docs/documents $(VENV)/bin/pytest -p no:xdist -m render \
		tests/recommendations/test_rendered_documents.py -k demo

# Load test against PostgreSQL filled by `manage.py generate_scale` (DATABASE_URL); needs wrk.
# What it measures and the latest results: docs/development.md, "make bench".
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { echo "make bench needs wrk (apt-get install wrk)"; exit 1; }
	$(PY) bench/run.py

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .

# Refresh the translation catalogues after changing user-facing strings, then compile them.
messages: $(VENV)/.installed
	$(MANAGE) makemessages --locale vi --locale en --extension html,txt,py --ignore '$(VENV)/*' \
		--ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'build/*' \
		--ignore 'node_modules/*'
	$(MANAGE) compilemessages --ignore '$(VENV)/*'

# Refresh the vendored front-end files from npm (package.json pins them, package-lock.json
# holds their hashes): the date picker served from static/vendor/, axe-core and the Nu Html
# Checker the accessibility test uses from tests/vendor/. They are committed, so neither running
# nor testing the portal needs node; only this target does.
DATEPICKER := node_modules/vanillajs-datepicker/dist
vendor:
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p static/vendor/datepicker tests/vendor
	install -m 644 $(DATEPICKER)/js/datepicker.min.js $(DATEPICKER)/js/locales/vi.js \
		$(DATEPICKER)/css/datepicker.min.css node_modules/vanillajs-datepicker/LICENSE \
		static/vendor/datepicker/
	install -m 644 node_modules/axe-core/axe.min.js tests/vendor/axe.min.js
	install -m 644 node_modules/axe-core/LICENSE tests/vendor/axe-core.LICENSE
	install -m 644 node_modules/vnu-jar/build/dist/vnu.jar tests/vendor/vnu.jar
	install -m 644 node_modules/vnu-jar/LICENSE tests/vendor/vnu.LICENSE
	rm -rf node_modules

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

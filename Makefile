# The README's two commands are `make run` and `make test`; everything else supports them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# htmx is fetched from the npm registry at the major version the templates are written for.
HTMX_MAJOR := 2
VENDOR := static/vendor
INSTALLED := $(VENV)/.installed
# Where `make run` serves: `make run PORT=8080` when 8000 is taken.
PORT ?= 8000

.PHONY: install run serve test test-deps bench lint format clean

install: $(INSTALLED) $(VENDOR)/htmx.min.js $(VENDOR)/plotly.min.js

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(VENDOR)/htmx.min.js:
	mkdir -p $(VENDOR) var/npm
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix var/npm htmx.org@$(HTMX_MAJOR)
	cp var/npm/node_modules/htmx.org/dist/htmx.min.js $@

# plotly.js ships inside the plotly wheel: serve the very version the Python side was built for.
$(VENDOR)/plotly.min.js: $(INSTALLED)
	mkdir -p $(VENDOR)
	cp "$$($(PY) -c 'import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js")')" $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	@echo "Category Workbench: http://127.0.0.1:$(PORT)"
	# The import worker runs beside the server and stops with it (imports queue in the database).
	$(PY) manage.py db_worker --no-reload & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
		$(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

# Served as production serves it: gunicorn with WEB_CONCURRENCY worker processes (default 3),
# DEBUG off, static files collected and compressed for whitenoise, the task worker beside.
# HOST=0.0.0.0 behind a load balancer; DATABASE_URL, SECRET_KEY and ALLOWED_HOSTS from the
# environment (README, "Production").
HOST ?= 127.0.0.1
serve: install
	$(PY) manage.py migrate --noinput
	DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Category Workbench (production server): http://$(HOST):$(PORT)"
	$(PY) manage.py db_worker --no-reload & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
		DEBUG=0 STATIC_FILES_COLLECTED=1 $(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) \
			--workers $${WEB_CONCURRENCY:-3} --access-logfile -

# axe-core: the WCAG rules tests/browser/test_accessibility.py runs on every page, injected by
# Playwright. A file target: npm's --no-save install of one package prunes the other from
# var/npm, so whichever is missing is fetched again when next needed.
AXE_MAJOR := 4
AXE := var/npm/node_modules/axe-core/axe.min.js

test-deps: $(AXE)
	scripts/install-test-deps

$(AXE):
	mkdir -p var/npm
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix var/npm axe-core@$(AXE_MAJOR)

test: install test-deps
	scripts/run-tests

# Every figure beside its goal, on a throwaway PostgreSQL: BENCH_LINES (1000000; 10000000 for
# ten million), BENCH_SECONDS a load phase (30), BENCH_CONCURRENCY people (8), WEB_CONCURRENCY
# gunicorn workers (3, as `make serve`); BENCH_ONLY=pages|load|import for one part.
bench: install
	scripts/with-postgres $(PY) benchmarks/matching.py
	scripts/with-postgres $(PY) benchmarks/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var $(VENDOR)

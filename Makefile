# Content Clipper — every target installs what it needs first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 8100
CHECK_DB := data/alembic-check.db
WEB_STAMP := frontend/node_modules/.installed
WEB_BUILD := frontend/dist/index.html
WEB_TYPES := frontend/src/generated/openapi.ts
WEB_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html frontend/vite.config.ts frontend/tsconfig.json

# The tests use this machine's PostgreSQL and Redis when they answer (as CI does), next to SQLite and the
# in-process stores; set TEST_DATABASE_URL / TEST_REDIS_URL to point elsewhere, or to empty to skip them.
port_open = $(shell (exec 3<>/dev/tcp/127.0.0.1/$(1)) 2>/dev/null && echo yes)
TEST_DATABASE_URL ?= $(if $(call port_open,5432),postgresql+asyncpg://postgres@127.0.0.1:5432/postgres)
TEST_REDIS_URL ?= $(if $(call port_open,6379),redis://127.0.0.1:6379/15)

.DEFAULT_GOAL := help
.PHONY: help install run test check lint fmt types migrate migrations-check pytest e2e browser web web-build web-check web-types sandbox worker bench clean

help: ## Show this help (one line per target)
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its dev tools

$(WEB_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $(WEB_STAMP)

$(WEB_BUILD): $(WEB_STAMP) $(WEB_SOURCES) frontend/package.json
	cd frontend && npm run build

web-build: $(WEB_BUILD) ## Install the web UI's packages (npm ci) and build it into frontend/dist

web-types: $(STAMP) $(WEB_STAMP) ## Regenerate the UI's API types from the server's OpenAPI document
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && scripts/export-openapi "$$tmp/openapi.json" \
		&& (cd frontend && npx openapi-typescript "$$tmp/openapi.json" -o src/generated/openapi.ts --silent)

web-check: $(STAMP) $(WEB_STAMP) ## The UI's checks: ESLint, tsc --noEmit, Vitest, and the API types match the server
	cd frontend && npm run --silent lint && npm run --silent typecheck && npm run --silent test
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && scripts/export-openapi "$$tmp/openapi.json" \
		&& (cd frontend && npx openapi-typescript "$$tmp/openapi.json" -o "$$tmp/openapi.ts" --silent) \
		&& (diff -u $(WEB_TYPES) "$$tmp/openapi.ts" > "$$tmp/drift" \
			|| { head -40 "$$tmp/drift"; echo "$(WEB_TYPES) is out of date with the server's OpenAPI document: run make web-types"; exit 1; })

web: $(WEB_STAMP) ## Vite dev server for front-end work (proxies /api and /sandbox to make run's server)
	cd frontend && npm run dev

run: $(STAMP) $(WEB_BUILD) ## Set up and start the whole product on the embedded defaults (SQLite, in-process worker, sandbox)
	$(BIN)/clipper db upgrade
	$(BIN)/clipper serve --host $(HOST) --port $(PORT)

test: $(STAMP) $(WEB_BUILD) browser ## Set up and run every check and test (what CI runs)
	$(MAKE) --no-print-directory lint types web-check migrations-check pytest e2e

check: test ## Alias of test: lint, types, migrations and tests

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check --no-cache src tests bench migrations setup.py
	$(BIN)/ruff format --no-cache --check src tests bench migrations setup.py

fmt: $(STAMP) ## Format and auto-fix with ruff
	$(BIN)/ruff format --no-cache src tests bench migrations setup.py
	$(BIN)/ruff check --no-cache --fix src tests bench migrations setup.py

types: $(STAMP) ## mypy --strict over the source
	$(BIN)/mypy

migrations-check: $(STAMP) ## alembic upgrade head on a scratch SQLite, then alembic check (models == migrations)
	@mkdir -p data && rm -f $(CHECK_DB)
	DATABASE_URL=sqlite+aiosqlite:///$(CHECK_DB) $(BIN)/alembic upgrade heads
	DATABASE_URL=sqlite+aiosqlite:///$(CHECK_DB) $(BIN)/alembic check
	@rm -f $(CHECK_DB)

pytest: $(STAMP) ## Run the test suite (everything but the browser tests)
	TEST_DATABASE_URL='$(TEST_DATABASE_URL)' TEST_REDIS_URL='$(TEST_REDIS_URL)' $(BIN)/pytest --ignore=tests/e2e

browser: ## Check for a Chromium for the browser tests (CHROMIUM_PATH or PATH); apt-get install it when root
	@scripts/ensure-chromium

e2e: $(STAMP) $(WEB_BUILD) browser ## Run the browser tests: the built UI in headless Chromium against the real server
	$(BIN)/pytest tests/e2e

migrate: $(STAMP) ## Apply database migrations to DATABASE_URL (default: ./data/clipper.db)
	$(BIN)/clipper db upgrade

sandbox: $(STAMP) ## Run the Graph API sandbox standalone on SANDBOX_PORT (default 8100)
	$(BIN)/clipper sandbox --host $(HOST) --port $(SANDBOX_PORT)

worker: $(STAMP) ## Run a standalone publishing worker (needs REDIS_URL)
	$(BIN)/clipper worker

bench: $(STAMP) ## Run every benchmark in bench/ and print its figures (not a test)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean: ## Remove the virtualenv, caches and local data
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache data

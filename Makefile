# Édile: the two commands are `make run` and `make test`. Both create .venv and install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
export DJANGO_SETTINGS_MODULE := edile.settings

.PHONY: run test test-sqlite test-postgres lint bench install messages clean vendor loadtest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)
	@$(BIN)/python scripts/write_dotenv.py
	DEBUG=true $(BIN)/python manage.py compile_catalogues

run: install
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py load_demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite on SQLite; again on PostgreSQL when TEST_DATABASE_URL is set (CI sets it).
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	EDILE_TESTING=1 $(BIN)/mypy
	EDILE_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python scripts/check_catalogues.py
	$(BIN)/pytest -n 2 --dist loadgroup -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$TEST_DATABASE_URL"; \
		DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest -n 2 --dist loadgroup -q -m "not browser"; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	EDILE_TESTING=1 $(BIN)/mypy

# Benchmarks (not timed tests): a large generated registry in var/bench.sqlite3; again on
# PostgreSQL when DATABASE_URL is set (its database name must contain "bench").
bench: install
	rm -f var/bench.sqlite3
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3 DEBUG=true $(BIN)/python manage.py bench --fresh $(BENCH_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$DATABASE_URL"; \
		DEBUG=true $(BIN)/python manage.py bench --fresh $(BENCH_ARGS); \
	fi

# Browser libraries served from our own static files (no CDN): versions pinned in
# package-lock.json; the copies are committed, so only a version bump needs npm.
vendor:
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p edile/core/static/leaflet/images
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css edile/core/static/leaflet/
	# The package does not ship leaflet.js.map: drop the reference, or the production
	# static storage (whitenoise's manifest) refuses to collect the file.
	sed -i '/^\/\/# sourceMappingURL=/d' edile/core/static/leaflet/leaflet.js
	cp node_modules/leaflet/dist/images/* edile/core/static/leaflet/images/
	cp node_modules/leaflet/LICENSE edile/core/static/leaflet/LICENSE

# Load test: 50 users for 60 s against gunicorn (DEBUG off, several workers) on a copy of the
# demo database (`make run` first), or on LOADTEST_DATABASE_URL (PostgreSQL). Only 127.0.0.1.
# See docs/performance.md.
loadtest: install
	$(BIN)/python scripts/loadtest.py $(LOADTEST_ARGS)

# Refresh the French catalogues after adding strings (then translate the new entries).
messages: install
	for app in core accounts members governance grants observatory datagov sanitation site; do \
		(cd edile/$$app && ../../$(BIN)/python ../../manage.py makemessages -l fr --no-location --no-obsolete -i "tests/*" >/dev/null); \
	done

clean:
	rm -rf $(VENV) var/static

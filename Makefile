# Two commands for a fresh machine:
#   make run   — virtual environment, install, SQLite database in instance/ with demo data, serve on http://127.0.0.1:5000
#   make test  — install with the test extras (and the Debian packages the tests drive), run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app contest

.PHONY: run test test-pg system-deps translations lint bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	$(FLASK) serve --host 127.0.0.1 --port 5000

# Debian packages the tests drive: Chromium (Playwright never downloads a browser), poppler and zbar (PDF checks).
system-deps:
	@missing=""; \
	for pair in chromium:chromium pdftotext:poppler-utils zbarimg:zbar-tools; do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The whole suite on SQLite in two processes (pytest-xdist; tests sharing the seeded demo stay in one),
# printing the 15 slowest tests; when CONTEST_TEST_DATABASE_URL is set, the database-marked tests again on PostgreSQL.
test: $(VENV)/.installed-test system-deps
	$(PY) -m pytest -n 2 --dist loadgroup --durations=15
	@if [ -n "$$CONTEST_TEST_DATABASE_URL" ]; then \
	  echo "== database-marked tests on PostgreSQL =="; \
	  $(PY) -m pytest -m db --backend=postgresql; \
	fi

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output -w 120 -o contest/translations/messages.pot .
	$(VENV)/bin/pybabel update -i contest/translations/messages.pot -d contest/translations --no-fuzzy-matching -w 120
	$(VENV)/bin/pybabel compile -d contest/translations

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check contest tests bench

bench: $(VENV)/.installed-test
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

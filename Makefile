# Shaodian: `make run` serves the app with the demo county; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 0.0.0.0
PORT ?= 8000
WORKERS ?= 2
TEST_WORKERS ?= 2

.PHONY: run test install install-test translations extract-messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -f -d webapp/translations

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o webapp/translations/messages.pot webapp
	$(BIN)/pybabel update -N -i webapp/translations/messages.pot -d webapp/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) demo-logins --address "http://$(if $(filter 0.0.0.0,$(HOST)),localhost,$(HOST)):$(PORT)/"
	exec $(BIN)/gunicorn --workers $(WORKERS) --threads 4 --bind $(HOST):$(PORT) \
		--access-logfile - wsgi:app

test: install-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# make bench: the goals of issue 9 in one table (bench/README.md), on PostgreSQL when it answers
# here (else SQLite only); about 8 minutes on a quiet 2-core machine. BENCH_ONLY=all runs every bench.
BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
BENCH_ONLY ?= phones,leaders
bench: install-test
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.run --only $(BENCH_ONLY) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance

# elsx: `make dev` sets up and serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export DJANGO_SETTINGS_MODULE ?= elsx.demo.settings
MANAGE := $(PY) -m django
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: dev install migrate seed serve test test-fast test-mysql test-platform-pins bench check-curriculum messages compile-messages e2e screenshots test-py312 mutation clean

$(VENV)/.installed: setup.py
	bash .ci/system-packages dev
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev,test]'
	@# The MariaDB driver needs libmariadb-dev; without it the MariaDB tests are skipped (with CI=true: failed).
	$(PIP) install -q -e '.[mysql]' || $(PY) tests/services.py missing "mysqlclient not installed: MariaDB tests will be skipped"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(MANAGE) migrate --run-syncdb --verbosity 0

seed: migrate
	$(MANAGE) elsx_seed_demo

# The demo shows what a POST commission checks (final, evaluation, review, affirmation; on by default,
# docs/commission.md); ELSX_COMMISSION=0 make dev turns it off.
dev: export ELSX_COMMISSION ?= 1
dev: seed
	@echo "Serving the course at http://$(HOST):$(PORT)/  (instructor view: add ?student=instructor)"
	$(MANAGE) runserver $(HOST):$(PORT)

check-curriculum: install
	$(PY) -m elsx.curriculum check

test: install
	$(MANAGE) makemigrations elsx --check --dry-run
	$(PY) -m elsx.curriculum check
	$(PY) -m pytest -q tests
	bash tests/run_mysql.sh $(PY)

# Tutor 22 (Verawood) runs Python 3.12, Tutor 21 (Ulmo) 3.11: the same suite on 3.12 in a second venv.
PYTHON312 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12 2>/dev/null))
VENV312 ?= .venv312

test-py312:
	@if [ -z "$(PYTHON312)" ]; then echo "SKIPPED: no Python 3.12 interpreter found (set PYTHON312=...)"; exit 0; fi; \
	set -e; [ -x $(VENV312)/bin/python ] || $(PYTHON312) -m venv $(VENV312); \
	$(VENV312)/bin/pip install -q --upgrade pip; \
	$(VENV312)/bin/pip install -q -e '.[dev,test,mysql]'; \
	echo "== Python 3.12: $$($(VENV312)/bin/python -c 'import sys, django; print(sys.version.split()[0], "Django", django.__version__)')"; \
	$(VENV312)/bin/python -m pytest -q tests -m "not browser and not slow"

# The certificate tests beside Open edX's pins (tests/platform/openedx-pins.txt: tinycss2==1.4.0) and the oldest
# WeasyPrint elsx supports, which has the old URL-fetcher API (elsx/certificates/weasyprint_compat.py).
# WEASYPRINT_OLDEST is setup.py's lower bound (tests/test_packaging.py checks that).
WEASYPRINT_OLDEST := 65.0
VENVPINS ?= .venv-pins
PIN_TESTS := tests/test_certificates_pdf.py tests/test_certificates_document.py tests/hostile/test_xss.py \
	tests/test_capstone.py tests/test_packaging.py tests/test_certificates_fonts.py

test-platform-pins:
	set -e; [ -x $(VENVPINS)/bin/python ] || $(PYTHON) -m venv $(VENVPINS); \
	$(VENVPINS)/bin/pip install -q -c tests/platform/openedx-pins.txt -e '.[dev,test]' 'bleach[css]' \
		'weasyprint==$(WEASYPRINT_OLDEST)'; \
	echo "== $$($(VENVPINS)/bin/python -c 'from importlib.metadata import version as v; \
		print("WeasyPrint", v("weasyprint"), "tinycss2", v("tinycss2"), "bleach", v("bleach"))')"; \
	$(VENVPINS)/bin/python -m pytest -q $(PIN_TESTS) -m "not browser and not slow"

test-fast: install
	$(PY) -m pytest -q -x tests -m "not slow and not browser"

e2e: install
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(PY) -m pytest -q tests/e2e

screenshots: install
	ELSX_E2E_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q tests/e2e

bench: install
	$(PY) bench/run.py

# Mutation testing: slow and CPU heavy, so not part of `make test`. One module: make mutation MODULES=elsx.sanitize
# Scores and survivors go to var/mutation/; equivalent survivors are listed in tools/mutation_equivalent.txt.
mutation: install
	nice -n 10 $(PY) tools/mutation.py $(MODULES)

# Message catalogs in elsx/locale (Django finds an installed app's locale/ folder).
# Extraction runs from the top so certificates/certificate.html (shipped as
# elsx.certificate_files) is included; LOCALE_PATHS sends those strings to elsx/locale.
I18N_LOCALES ?= es_419
I18N_SKIP := .venv .venv312 .venv-pins build dist var tests bench docs modules demo .git .ci *.egg-info node_modules
messages: install
	ELSX_VAR=$${TMPDIR:-/tmp}/elsx-messages $(PY) -c "import django; django.setup(); \
	from django.conf import settings; from django.core.management import call_command; \
	settings.LOCALE_PATHS = ['elsx/locale']; skip = '$(I18N_SKIP)'.split(); locales = '$(I18N_LOCALES)'.split(); \
	call_command('makemessages', locale=locales, extensions=['html', 'py', 'txt'], ignore_patterns=skip, no_obsolete=True); \
	call_command('makemessages', locale=locales, domain='djangojs', ignore_patterns=skip, no_obsolete=True)"

compile-messages: install
	cd elsx && ELSX_VAR=$${TMPDIR:-/tmp}/elsx-messages PYTHONPATH=.. $(abspath $(PY)) -m django compilemessages

clean:
	rm -rf var build dist *.egg-info .pytest_cache $(VENV312) $(VENVPINS)

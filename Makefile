# make demo: install and serve the platform with demo data on SQLite (http://127.0.0.1:8000)
# make test: install and run every check: ruff, import-linter, pytest (SQLite + PostgreSQL, chromium)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js

.PHONY: demo test install system-deps messages bench clean

demo: $(INSTALLED)
	$(BIN)/brukarenkat demo

test: $(INSTALLED) system-deps $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	@if [ -z "$$BRUKARENKAT_TEST_POSTGRES_URL" ] && [ "$$(id -u)" = 0 ]; then \
		eval "$$(bash .ci/postgres.sh)"; export BRUKARENKAT_TEST_POSTGRES_URL; \
		MPLCONFIGDIR=$$(mktemp -d) $(BIN)/pytest; \
	else \
		[ -n "$$BRUKARENKAT_TEST_POSTGRES_URL" ] || echo "note: not root and BRUKARENKAT_TEST_POSTGRES_URL unset: SQLite only"; \
		MPLCONFIGDIR=$$(mktemp -d) $(BIN)/pytest; \
	fi

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# axe-core for the accessibility test (tests/browser/test_accessibility.py), at the version package-lock.json pins.
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Debian packages the tests use: chromium (browser tests), PostgreSQL (the second database), poppler-utils
# (reading PDFs back), zbar-tools (decoding the QR codes on printed cards), espeak-ng (draft read-aloud audio),
# fonts-noto-core (Arabic script and Ethiopic on cards and pages), nodejs and npm (installing axe-core).
# WeasyPrint's Pango comes with chromium's dependencies on Debian.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v zbarimg >/dev/null || missing="$$missing zbar-tools"; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	[ -d /usr/share/fonts/truetype/noto ] || missing="$$missing fonts-noto-core"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
		else echo "note: install$$missing (apt) to run every test"; fi; \
	fi

# Re-extract the three gettext domains after changing templates, Python strings or a questionnaire, and merge
# the new strings into every catalog (untranslated or fuzzy until a translator has seen them).
EXTRACT := --no-location --sort-output --omit-header
messages: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k N_ $(EXTRACT) -o translations/messages.pot .
	$(BIN)/pybabel extract -F babel-questionnaires.cfg $(EXTRACT) -o translations/questionnaires.pot .
	$(BIN)/pybabel extract -F babel-staff.cfg -k N_ $(EXTRACT) -o translations/staff.pot .
	for domain in messages questionnaires staff; do for po in translations/*/LC_MESSAGES/$$domain.po; do \
		[ -f "$$po" ] && $(BIN)/pybabel update -D $$domain -i translations/$$domain.pot -o $$po \
			-l $$(basename $$(dirname $$(dirname $$po))) --width 120 --ignore-pot-creation-date || exit 1; \
	done; done

bench: $(INSTALLED)
	$(BIN)/python bench/submit.py

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache node_modules

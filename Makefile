# ipdesk — `make run` serves the platform with the demo data; `make test` runs the whole suite.
# Everything a fresh machine needs is installed from here: Debian packages (fonts, Chromium for the
# browser tests, Pango for PDFs), Python packages into .venv, front-end assets from package-lock.json.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6.1 needs Python 3.12+; use the first one found.
PYTHON ?= $(shell for p in python3.13 python3.12 /root/.pyenv/versions/3.12*/bin/python3 /root/.pyenv/versions/3.13*/bin/python3 /usr/local/bin/python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
DEBIAN_PACKAGES := fonts-noto-cjk chromium libpango-1.0-0 libpangoft2-1.0-0 poppler-utils gettext
DEV_ENV := DEBUG=1 IPDESK_VAR_DIR=$(CURDIR)/var SECURE_COOKIES=0
TEST_ENV := IPDESK_VAR_DIR=$(CURDIR)/var/test
PYTEST_ARGS ?= -q -n 2 --dist worksteal

.PHONY: help setup system-deps venv assets messages run test db demo migrate clean

help:
	@echo "make run   - set everything up and serve http://127.0.0.1:8000 on SQLite with the demo data"
	@echo "make test  - set everything up and run the whole test suite (DATABASE_URL selects the database)"

setup: system-deps venv assets messages

# English translations are compiled from the committed .po files (Chinese is the source language).
messages: venv
	cd ipdesk && SECRET_KEY=build ../$(BIN)/ipdesk compilemessages -v0

system-deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages: $$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

venv: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6.1)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $@

assets: ipdesk/static/vendor/.installed

ipdesk/static/vendor/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf ipdesk/static/vendor && mkdir -p ipdesk/static/vendor/{bootstrap,bootstrap-icons,htmx,echarts,tom-select}
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js ipdesk/static/vendor/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts ipdesk/static/vendor/bootstrap-icons/
	cp node_modules/htmx.org/dist/htmx.min.js ipdesk/static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js ipdesk/static/vendor/echarts/
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css ipdesk/static/vendor/tom-select/
	touch $@

# var/dev.env: `ipdesk …` typed by hand then uses the same settings as `make run` (rules: ipdesk/manage.py).
migrate: setup
	mkdir -p var
	printf 'DEBUG=1\nIPDESK_VAR_DIR=%s\nSECURE_COOKIES=0\n' "$(CURDIR)/var" > var/dev.env && chmod 600 var/dev.env
	$(DEV_ENV) $(BIN)/ipdesk migrate --noinput

demo: migrate
	$(DEV_ENV) $(BIN)/ipdesk load_demo

run: demo
	@echo "ipdesk: http://127.0.0.1:8000  (demo accounts: see README.md)"
	$(DEV_ENV) $(BIN)/ipdesk run_huey --quiet & trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/ipdesk runserver 127.0.0.1:8000

test: setup
	mkdir -p var/test
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf var node_modules ipdesk/static/vendor

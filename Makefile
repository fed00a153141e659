# The two commands: `make serve` and `make test`. Both set up what is missing first.
# Everything else here is what those two are made of.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# Material prints an end-of-life notice for MkDocs 2.0 on every run; we stay on MkDocs 1.x.
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve build test lint lock clean browser-deps

serve: $(VENV)/.site  ## build and serve the site with live reload at http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(VENV)/.site  ## write the site to site/ (strict: any warning fails)
	$(BIN)/mkdocs build --strict --clean

test: $(VENV)/.test browser-deps  ## run every test: unit, build and browser
	$(BIN)/python -m pytest

lint: $(VENV)/.site  ## the editors' lint: front matter, headings, links, summaries
	$(BIN)/python scripts/lint

$(VENV)/bin/python:
	@# The pins (requirements/*.txt, with hashes) are for Python 3.11: on another version pip
	@# fails on a wheel without saying why, so say it here.
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  echo "Python 3.11 is needed (found: $$($(PYTHON) --version 2>&1 || echo none))." \
	    "Install it (e.g. 'apt-get install python3.11 python3.11-venv'), or run" \
	    "'make PYTHON=/path/to/python3.11 ...'."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.site: requirements/site.txt $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/site.txt
	@# Our package is imported from the working tree (like an editable install, without a build step).
	echo "$(CURDIR)" > "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/policy_site.pth"
	touch $@

$(VENV)/.test: requirements/test.txt $(VENV)/.site
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/test.txt
	touch $@

# Chromium for the browser tests (Debian's package; Playwright's own download cannot work
# offline), Java for the Nu Html Checker, and the pinned npm packages (axe-core, vnu-jar).
browser-deps: node_modules/.installed
	@missing=""; \
	if ! command -v chromium >/dev/null && [ -z "$$CHROMIUM" ]; then missing="chromium"; fi; \
	if ! command -v java >/dev/null; then missing="$$missing default-jre-headless"; fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "Missing for the browser tests: run 'sudo apt-get install$$missing'" \
	    "(or set CHROMIUM=/path/to/chromium)"; exit 1; fi; fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

lock:  ## re-pin the dependencies with hashes after editing requirements/*.in
	$(BIN)/python -m pip install --quiet pip-tools==7.6.2
	cd requirements && for f in site test bench; do \
	  ../$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url \
	    --no-emit-find-links --strip-extras -o $$f.txt $$f.in; done

clean:
	rm -rf site .pytest_cache

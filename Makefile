# k9tf: `make test` installs what is missing (Debian packages when root, a
# .venv with the versions pinned in constraints.txt) and runs every test;
# `make test-quick` runs the unit tests only (no JVM, Dask, wheel or slow tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := clojure libjna-java libnrepl-clojure libdata-json-clojure libdata-csv-clojure
CLJ := bin/k9tf-clj

.PHONY: setup apt venv test test-quick lint demo repl nrepl bench clean

setup: apt venv

apt:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	command -v javac >/dev/null || missing="$$missing default-jdk-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Install these Debian packages first: sudo apt-get install$$missing"; exit 1; fi; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

lint: venv
	$(BIN)/ruff check .
	@if command -v clj-kondo >/dev/null; then clj-kondo --lint clojure/src clojure/test; \
	else echo "clj-kondo not installed; Clojure is checked for reflection by the test runner."; fi

test: setup lint
	K9TF_REQUIRE_CLOJURE=1 $(BIN)/pytest

test-quick: venv lint
	$(BIN)/pytest -m 'not jvm and not dask and not wheel and not slow'

demo: venv
	$(BIN)/python -m k9tf demo

repl: setup
	$(CLJ)

nrepl: setup
	$(CLJ) -A:repl

bench: venv
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .nrepl-port

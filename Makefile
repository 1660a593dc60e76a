# The README's two commands: `make build` (set up this machine and build every
# source) and `make test` (run the whole test suite). Both are idempotent.
VENV := .venv
STAMP := $(VENV)/.setup-done

.PHONY: build test setup bench lint clean

build: $(STAMP)
	$(VENV)/bin/altformats build

test: $(STAMP)
	$(VENV)/bin/python -m pytest

setup: $(STAMP)

$(STAMP): scripts/setup.sh pyproject.toml package.json package-lock.json
	bash scripts/setup.sh
	touch $@

bench: $(STAMP)
	$(VENV)/bin/python bench/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

clean:
	rm -rf build

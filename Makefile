# The README's two commands: `make build` (set up this machine and build every
# source) and `make test` (run the whole test suite). Both are idempotent.
VENV := .venv
STAMP := $(VENV)/.setup-done

.PHONY: build test setup bench fuzz mutations lint clean

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

# The fuzz suite's long profile: thousands of random sources (tests/test_fuzz.py; make test runs a bounded one).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=long $(VENV)/bin/python -m pytest -p no:cacheprovider tests/test_fuzz.py --hypothesis-show-statistics

# The mutation score on the seed and every sample and sheet, in every format (make test runs the seed's).
mutations: $(STAMP)
	ALTFORMATS_MUTATIONS=all $(VENV)/bin/python -m pytest -p no:cacheprovider tests/mutations

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

clean:
	rm -rf build

# Every target sets up what it needs: a newcomer runs `make site` or `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test lint validate bench-validate seed golden clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Cần Python 3.11 ($(PYTHON) not found)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[site,feeds,sync,dev]'
	@touch $(STAMP)

## Build the public site and feeds from content/ into site/ (the main job).
site: $(STAMP)
	$(BIN)/tthc build

## Run the whole test suite (browser tests included: docs/testing.md), plus lint and type checks.
test: $(STAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-postgres.sh >/dev/null
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/tthc validate

lint: $(STAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy

bench-validate: $(STAMP)
	$(BIN)/python bench/validate.py

## Re-import the seeded catalogue from the real published records (maintainers only;
## REALDATA points at the shared real-data folder). A second run changes nothing.
REALDATA ?= ../shared/realdata
seed: $(STAMP)
	$(BIN)/tthc import decisions $(REALDATA)/decisions.json --into .
	$(BIN)/tthc import portal $(REALDATA)/portal_records_sample.jsonl.gz --into .
	$(BIN)/tthc import word-export $(REALDATA)/word_export_records_bqp.jsonl --into .
	$(BIN)/tthc import province-site $(REALDATA)/province_police_phutho.json --agency tinh-phu-tho \
		--into .
	$(BIN)/tthc validate

## Regenerate the importers' golden files, then review them as a diff (git diff tests/data).
golden: $(STAMP)
	TTHC_REGEN_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_import_portal.py \
		tests/test_import_word_export.py tests/test_import_decisions.py tests/test_import_annex.py \
		tests/test_import_province_site.py

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache

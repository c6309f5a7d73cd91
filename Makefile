# report-qa set-up and tasks. `make run` and `make test` do all the set-up on a fresh clone:
# a project-local virtualenv in .venv/, the package with its dependencies, the provisioned model (and its ONNX export),
# and (for the browser test) Debian's chromium. A second run reinstalls nothing that has not changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench bench-quick model index browser office lint clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[test,bench,ocr,scale]"
	touch $(STAMP)

model: $(STAMP)
	$(BIN)/qa model

# Rebuilds the index only when it is stale (a no-op build neither loads the model nor re-embeds).
index: model
	$(BIN)/qa build

# Debian's chromium (Playwright's own download cannot be reached here) and a CJK font for screenshots.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh family 2>/dev/null | grep -q .; } || { \
	  echo "installing Debian's chromium and fonts-noto-cjk for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# LibreOffice's writer, without its GUI: the .doc and RTF reader tests compare their reading with its own
# (a file it converts, its plain-text export). Without it those tests skip.
office:
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "installing Debian's libreoffice-writer-nogui for the Word-family reader tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null; }

run: index
	$(BIN)/python app.py

# Test files run in parallel, one file to a worker (pytest-xdist); the few tests that hold a wall-clock
# bound (marked `serial`) run alone afterwards, so another worker's load cannot break the bound.
test: model browser office
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto --maxprocesses 4 --dist loadfile -m "not serial"
	$(BIN)/python -m pytest -q -p no:cacheprovider -m serial

lint: $(STAMP)
	$(BIN)/ruff check .

bench: index
	$(BIN)/python -m bench.run

bench-quick: index
	$(BIN)/python -m bench.run --quick

clean-venv:
	rm -rf $(VENV)

# The kit's commands. The first call builds .venv/ from pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed
# nbgrader shells out to alembic, and kernels must come from the same environment. Agg: headless
# runs (test, demo, bench); make lab leaves it out, so that charts show in Lab.
RUN := PATH="$(BIN):$$PATH" MPLBACKEND=Agg
# make demo: a synthetic cohort spread over the 63 provinces.
PARTICIPANTS ?= 12

.PHONY: venv system sandbox browser stress demo test test-busy lint lab hub nav messages bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23.2"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@# jsonschema's optional check of "iri" strings: building its grammar costs every Jupyter server, nbgrader and
	@# ocop process 1 s of CPU and 16 MiB at start, and nothing here validates IRIs (docs/performance.md).
	$(BIN)/python -m pip uninstall --quiet -y rfc3987-syntax
	touch $(STAMP)

venv: $(STAMP)

# System parts, installed by the project itself as root; otherwise the tests that need them skip and say why.
# sandbox: bubblewrap, which grading (ocop grade, make demo) runs participants' code in.
# browser: chromium and fonts, for the browser tests only (make test), never for the demo.
system: sandbox browser

sandbox:
	@if [ "$$(id -u)" = 0 ] && ! command -v bwrap >/dev/null; then \
		echo "Installing bubblewrap for the grading sandbox"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; \
	fi

browser:
	@bash scripts/install-browser.sh

# stress: stress-ng, for the busy-machine check only (make test-busy).
stress:
	@if [ "$$(id -u)" = 0 ] && ! command -v stress-ng >/dev/null; then \
		echo "Installing stress-ng for the busy-machine check"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null; \
	fi

demo: $(STAMP) sandbox
	$(RUN) $(BIN)/ocop demo --workdir build/demo --participants $(PARTICIPANTS)

# Tests run on every core (pytest-xdist): a file at a time, and the machine-wide tests (sandbox,
# hub) as one unit of their own, first (conftest.py). `pytest` alone runs in one process.
test: lint system
	$(RUN) $(BIN)/python -m pytest -n auto --dist loadfile

# The grading, hub and browser tests again with every core kept busy by stress-ng (scripts/busy-check.sh).
test-busy: $(STAMP) system stress
	@bash scripts/busy-check.sh

# ruff: lint and format check over the code (settings in pyproject.toml).
LINTED := conftest.py src tests benchmarks deploy
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

bench: $(STAMP) system
	$(RUN) $(BIN)/python benchmarks/grade_cohort.py

# JupyterLab as a participant sees it: the participant profile (deploy/participant/: Vietnamese
# menus, the served code font, no trainer tools), course/ and exercises/ only (build/lab links
# them), and no MPLBACKEND=Agg, so charts show. Options: src/ocopkit/trainer/lab_profile.py.
lab: $(STAMP)
	PATH="$(BIN):$$PATH" $(BIN)/python -m ocopkit.trainer.lab_profile --port 8888

# A local multi-user JupyterHub on 127.0.0.1 with nbgrader's exchange (README,
# "JupyterHub"), in the foreground: Ctrl-C stops it. Root: it creates users.
LANG_OCOP ?= vi
HUB_PORT ?= 8000
hub:
	@if [ "$$(id -u)" != 0 ]; then echo "make hub must run as root: it creates a Linux user for the trainer and each participant, installs the course environment in /opt/ocop-course-kit and writes /etc/jupyter/nbgrader_config.py. Run: sudo make hub"; exit 1; fi
	@$(MAKE) --no-print-directory $(STAMP)
	$(RUN) $(BIN)/ocop hub serve --lang $(LANG_OCOP) --port $(HUB_PORT)

nav: $(STAMP)
	$(RUN) $(BIN)/ocop nav

messages: $(STAMP)
	$(RUN) $(BIN)/ocop messages

clean:
	rm -rf build .pytest_cache

# The kit's commands. The first call builds .venv/ from pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed
# nbgrader shells out to alembic, and kernels must come from the same environment.
RUN := PATH="$(BIN):$$PATH" MPLBACKEND=Agg

.PHONY: venv demo test lab nav clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23.2"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(RUN) $(BIN)/ocop demo --workdir build/demo

test: $(STAMP)
	$(RUN) $(BIN)/python -m pytest

lab: $(STAMP)
	$(RUN) $(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=8888 --ServerApp.root_dir=$(CURDIR)

nav: $(STAMP)
	$(RUN) $(BIN)/ocop nav

clean:
	rm -rf build .pytest_cache

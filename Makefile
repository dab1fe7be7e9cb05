# The course's commands. README.md names two: `make demo` and `make test`.
#
#   make setup   virtual environment in .venv with the pinned requirements and the local
#                packages, plus the Debian packages the course uses (when root)
#   make demo    setup, then show the course working: the library (scripts/demo.py),
#                then the instructor pipeline on a demo class (course demo)
#   make test    setup, then ruff and the whole test suite in parallel
#   make lab     setup, then JupyterLab on the student notebooks in release/
#   make release setup, then `course release`: regenerate release/ from source/ and prove it
#   make formgrader  setup, then `course formgrader`: nbgrader's formgrader on the
#                workspace, to grade the written answers (Ctrl-C stops it)
#   make lint    ruff check and format check only
#   make colab-check  the lessons on Colab's versions (Python 3.13; LESSONS=01_tensors picks):
#                instructor copies in .colab-venv (scripts/colab/runtime-2026.08.txt), then
#                student copies with answers on Keras+JAX without TensorFlow in .colab-jax-venv
#                (scripts/colab/runtime-2026.08-tpu.txt, the TPU runtime)
#
# Variables: PYTHON (the interpreter that makes the venv, default python3), VENV (.venv),
# TF=gpu (put tensorflow[and-cuda] in place of tensorflow-cpu), PYTEST_ARGS (extra args).

PYTHON ?= python3
VENV ?= .venv
TF ?= cpu
PYTEST_ARGS ?=
LESSONS ?=
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(TF)
TF_VERSION := $(shell sed -n 's/^tensorflow-cpu==//p' requirements.txt)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# Tests and the demo keep TensorFlow, Keras and matplotlib out of the user's home.
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: setup system demo test lint lab release formgrader clean colab-check

setup: $(STAMP) system

$(STAMP): requirements.txt lib/pyproject.toml autograder/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --progress-bar off -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e lib -e autograder
ifeq ($(TF),gpu)
	$(BIN)/python -m pip uninstall --quiet --yes tensorflow-cpu
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "tensorflow[and-cuda]==$(TF_VERSION)"
endif
	@rm -f $(VENV)/.installed-*
	@touch $@
	@echo "setup: $(VENV) is ready ($$($(BIN)/python -c 'import tensorflow as tf; print("TensorFlow", tf.__version__)'))"

system:
	@scripts/install-system-packages

demo: setup
	$(BIN)/python scripts/demo.py
	$(BIN)/course demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check lib tests scripts benchmarks

test: setup lint
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

release: setup
	$(BIN)/course release

formgrader: setup
	$(BIN)/course formgrader

colab-check:
	scripts/colab/check $(LESSONS)
	scripts/colab/check --jax $(LESSONS)

lab: setup
	$(BIN)/jupyter lab $(ROOT_FLAG) --notebook-dir=release

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

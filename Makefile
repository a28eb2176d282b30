# make course   install (first time) and open the course in JupyterLab
# make test     install (first time) and run every test: notebooks under nbval, unit tests
#               under the TensorFlow and the JAX backends
# make notebooks  re-sync every course/*.py with its .ipynb and execute it in place
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Offline data: use ../shared/data when it is there (CI), else keras.datasets downloads.
SHARED_DATA := $(abspath ../shared/data)
ifneq ($(wildcard $(SHARED_DATA)/mnist.npz),)
export CNN_COURSE_DATA ?= $(SHARED_DATA)
endif
export TF_CPP_MIN_LOG_LEVEL ?= 3
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

.PHONY: install course test notebooks

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt -e .
	touch $(STAMP)

course: install
	$(BIN)/jupyter lab course/

test: install
	KERAS_BACKEND=tensorflow $(PYTEST) --nbval course/ tests/
	KERAS_BACKEND=jax $(PYTEST) tests/

notebooks: install
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

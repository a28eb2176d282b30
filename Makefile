# make course   install (first time) and open the course in JupyterLab (as root too, as in a
#               classroom container; JUPYTER_ARGS="--no-browser --port=8899" passes options on)
# make course GPU=1  the same with TensorFlow's CUDA build, in .venv-gpu, for a local NVIDIA
#               GPU (untested here: no machine of the course has a GPU with TensorFlow)
# make test     install (first time) and run every test: notebooks under nbval, unit tests
#               under the TensorFlow and the JAX backends
# make notebooks  re-sync every course/*.py with its .ipynb and execute it in place
# make test-colab the Colab-like lane: requirements-colab.txt (the lowest supported versions)
#               in .venv-colab; every notebook and answers notebook run top to bottom (no
#               error, no stderr): 01 and every part 2 (NNb_*) alone in an empty folder, the
#               others in place; and the unit tests
# make slides   one reveal.js deck per lecture, from its stored outputs, into _site/slides/
#               (offline: reveal.js from the npm registry once, MathJax from .venv-site)
# make site     build the website into _site/html from the notebooks' stored outputs (its own
#               virtual environment, .venv-site, from requirements-site.txt; nothing executed),
#               with the decks in _site/html/slides/
# make site-test  check the built site and every slide of every deck in headless Chromium
#               (Debian's chromium, chromium-driver)
PYTHON ?= python3
ifeq ($(GPU),1)
VENV ?= .venv-gpu
else
VENV ?= .venv
endif
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Offline data: use ../shared/data when it is there (CI), else keras.datasets downloads.
SHARED_DATA := $(abspath ../shared/data)
ifneq ($(wildcard $(SHARED_DATA)/mnist.npz),)
export CNN_COURSE_DATA ?= $(SHARED_DATA)
endif
export TF_CPP_MIN_LOG_LEVEL ?= 3
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

COLAB_VENV := .venv-colab
COLAB_STAMP := $(COLAB_VENV)/.installed

.PHONY: install course test notebooks test-colab site-install slides site site-test

install: $(STAMP)

# GPU=1: requirements.txt with TensorFlow's CUDA build (`tensorflow[and-cuda]`, the CUDA
# libraries as pip packages) in place of tensorflow-cpu, at the same version.
TF_VERSION := $(shell sed -n 's/^tensorflow-cpu==//p' requirements.txt)

# JupyterLab's settings for the course (RISE's slides: see tools/jupyterlab-overrides.json).
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

$(STAMP): requirements.txt pyproject.toml tools/jupyterlab-overrides.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
ifeq ($(GPU),1)
	grep -v '^tensorflow-cpu==' requirements.txt > $(VENV)/requirements-gpu.txt
	$(BIN)/python -m pip install -q -r $(VENV)/requirements-gpu.txt "tensorflow[and-cuda]==$(TF_VERSION)" -e .
else
	$(BIN)/python -m pip install -q -r requirements.txt -e .
endif
	mkdir -p $(dir $(LAB_OVERRIDES))
	cp tools/jupyterlab-overrides.json $(LAB_OVERRIDES)
	touch $(STAMP)

# JupyterLab refuses to start as root ("Running as root is not recommended") unless told.
ALLOW_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)
JUPYTER_ARGS ?=

course: install
	$(BIN)/jupyter lab $(ALLOW_ROOT) $(JUPYTER_ARGS) course/

# The notebooks run on two pytest workers (pytest-xdist), two at a time, each whole notebook
# in one worker's kernel (--dist loadfile), so that make test stays within CI's budget. The
# unit tests run one at a time: some compare two timings, which a second worker would disturb.
TEST_WORKERS ?= 2

test: install
	KERAS_BACKEND=tensorflow $(PYTEST) -n $(TEST_WORKERS) --dist loadfile --nbval course/
	KERAS_BACKEND=tensorflow $(PYTEST) tests/
	KERAS_BACKEND=jax $(PYTEST) tests/

notebooks: install
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

$(COLAB_STAMP): requirements-colab.txt
	$(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install -q --upgrade pip
	$(COLAB_VENV)/bin/python -m pip install -q -r requirements-colab.txt
	touch $(COLAB_STAMP)

# Not `pip install -e .` here: the notebooks' first cell must find `support` by itself.
# 01 and every part 2 run only alone in an empty folder (as a reader who downloaded one would
# run it), the other notebooks in place: each notebook once, within CI's budget.
COLAB_ALONE := course/01_lenet_history.ipynb $(sort $(wildcard course/[0-9][0-9]b_*.ipynb))
COLAB_IN_PLACE := $(filter-out $(COLAB_ALONE),$(sort $(wildcard course/[0-9][0-9]*_*.ipynb))) \
	$(sort $(wildcard course/answers/*_answers.ipynb))

test-colab: $(COLAB_STAMP)
	KERAS_BACKEND=tensorflow $(COLAB_VENV)/bin/python tools/check_notebooks.py $(COLAB_IN_PLACE)
	KERAS_BACKEND=tensorflow $(COLAB_VENV)/bin/python tools/check_notebooks.py --alone $(COLAB_ALONE)
	KERAS_BACKEND=tensorflow $(COLAB_VENV)/bin/python -m pytest -p no:cacheprovider tests/

SITE_VENV ?= .venv-site
SITE_BIN := $(SITE_VENV)/bin
SITE_STAMP := $(SITE_VENV)/.installed

site-install: $(SITE_STAMP)

$(SITE_STAMP): requirements-site.txt
	$(PYTHON) -m venv $(SITE_VENV)
	$(SITE_BIN)/python -m pip install -q --upgrade pip
	$(SITE_BIN)/python -m pip install -q -r requirements-site.txt
	touch $(SITE_STAMP)

slides: site-install
	$(SITE_BIN)/python site/slides.py

site: site-install
	$(SITE_BIN)/python site/build.py

# Not part of `make test`: it needs a browser, and tests/ is what make test collects.
site-test: site-install
	$(SITE_BIN)/python -m pytest -p no:cacheprovider -s site/test_site.py site/test_decks.py  # -s: each deck's slide count

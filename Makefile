# Build and test tooling for the zoho.bigin collection: one command per target, the logic
# is in scripts/ (one concern per script, usage at its top). "make help" lists the targets;
# README.md (Development) has them in a table with how long each takes.
# Everything is pinned: tests/constraints/ansible-core-<version>.txt.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := test
.DELETE_ON_ERROR:

# ---------------------------------------------------------------- settings
PYTHON ?= python3
DEFAULT_CORE := 2.19
MATRIX ?= 2.18 2.19 2.20 2.21
# The Python each ansible-core leg runs on (controller and ansible-test target).
PYVER_2.18 := 3.11
PYVER_2.19 := 3.11
PYVER_2.20 := 3.12
PYVER_2.21 := 3.13
# Other target Pythons for the compile and import sanity tests (tests/config.yml: >=3.8).
COMPAT_PYTHONS ?= 3.8 3.9 3.10 3.12 3.13
# Checks that do not depend on the ansible-core leg: run once, on the default version.
ONCE := sanity-compat lint docs docs-site changelog ee galaxy-importer
PYTEST_ARGS ?= -ra
# Three workers on two CPUs: an integration test spends much of its time waiting on ansible-playbook's
# subprocesses and the simulator (measured: 275 tests in 208 s with -n 3).
INTEGRATION_ARGS ?= -n 3
# Integration tests that run on these legs only (CI must stay within 45 minutes on 2 CPUs): the runs under the
# simulator's other behaviour profiles (marker profile_variant, issue 16: about 5 minutes) and the files that
# check the collection's own logic (marker default_core_only: selection, export, retries, budgets, scale), which
# does not depend on the ansible-core version. Every leg runs the rest: what goes through ansible-core's own code
# (action plugins, module_defaults, check and diff mode, no_log, warnings, docs). The plugins' unit tests run
# on every leg through ansible-test units; pytest tests/unit (the same, plus the simulator's and the live
# suite's, which do not touch ansible-core) on these legs only.
ONE_LEG ?= $(DEFAULT_CORE)
ONE_LEG_MARKERS := -m "not profile_variant and not default_core_only"
ANSIBLE_TEST_ARGS ?= --color no

ROOT := $(CURDIR)
VENV := .venv
BIN := $(ROOT)/$(VENV)/bin
GI_VENV := build/galaxy-importer-venv
# ansible-test and antsibull-docs want the collection in ansible_collections/zoho/bigin.
STAGE := build/ansible_collections/zoho/bigin
RESULTS := build/test-results
PYBIN := $(ROOT)/build/pybin
# Plain pytest/ansible-playbook find the collection here (tests/conftest.py makes the link).
COLLECTIONS := $(ROOT)/build/collections
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
ARTIFACT := build/zoho-bigin-$(VERSION).tar.gz
# Every check runs through scripts/step.sh: one JUnit case per check in $(RESULTS)/steps.
STEP := scripts/step.sh

# The venv of ansible-core version $1: .venv for the default, else .venv-$1.
venv_of = $(if $(filter $(DEFAULT_CORE),$1),$(VENV),.venv-$1)
# The matrix as core=python pairs (2.18=3.11 ...), for the scripts.
LEGS = $(foreach v,$(MATRIX),$v=$(PYVER_$v))

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv test test-matrix sanity units unit integration pytest lint docs pybin sanity-compat distclean \
	changelog ee build demo test-live bench clean stage docs-site galaxy-importer collection-link seed-get-pip \
	constraints-update summary results-clean

# ---------------------------------------------------------------- entry points
## list the targets
help:
	@scripts/make-help.sh Makefile "DEFAULT_CORE=$(DEFAULT_CORE)" "MATRIX=$(MATRIX)" "COMPAT_PYTHONS=$(COMPAT_PYTHONS)" "ONCE=$(ONCE)" \
	  "PYTEST_ARGS=$(PYTEST_ARGS)" "INTEGRATION_ARGS=$(INTEGRATION_ARGS)" "ANSIBLE_TEST_ARGS=$(ANSIBLE_TEST_ARGS)" "PYTHON=$(PYTHON)"

## everything on the default core: its matrix leg, the once-only checks (ONCE), the summary line
test: results-clean
	@scripts/run-test.sh $(MAKE) matrix-$(DEFAULT_CORE) $(ONCE)

## what CI runs: the matrix leg of every core in MATRIX (missing Pythons skipped), ONCE, the summary
test-matrix: results-clean
	@scripts/run-test-matrix.sh $(MAKE) $(LEGS) -- $(ONCE)

## the example playbook, twice, against the local Bigin simulator
demo: venv
	$(VENV)/bin/python tests/simulator/demo.py

## the live contract suite against your Bigin org (BIGIN_CLIENT_ID, BIGIN_CLIENT_SECRET, BIGIN_REFRESH_TOKEN, BIGIN_DATA_CENTER)
test-live: venv
	$(VENV)/bin/python -m tests.live

## the benchmarks (bench_photo, bench_select, bench_export, bench_scale); writes benchmarks/results/
bench: venv
	$(VENV)/bin/python benchmarks/bench_photo.py

## the HTML documentation site in build/docs/html (Sphinx warnings are errors)
docs-site: venv collection-link
	PATH="$(BIN):$$PATH" $(STEP) docs-site . scripts/build-docs-site.sh

# ---------------------------------------------------------------- venvs
# $(VENV)/.stamp is rebuilt when the requirement or constraint files change.
$(VENV)/.stamp: tests/requirements-dev.txt tests/requirements-matrix.txt tests/constraints/ansible-core-$(DEFAULT_CORE).txt
	scripts/make-venv.sh --seed-get-pip $(VENV) $(PYTHON) tests/constraints/ansible-core-$(DEFAULT_CORE).txt -r tests/requirements-dev.txt

# Matrix venvs .venv-<version>/.stamp, on that version's Python.
.venv-%/.stamp: tests/requirements-matrix.txt tests/constraints/ansible-core-%.txt
	scripts/make-venv.sh --seed-get-pip .venv-$* $(PYVER_$*) tests/constraints/ansible-core-$*.txt -r tests/requirements-matrix.txt

# galaxy-importer's venv: its pins clash with .venv's.
$(GI_VENV)/.stamp: tests/constraints/galaxy-importer.txt
	scripts/make-venv.sh $(GI_VENV) $(PYTHON) tests/constraints/galaxy-importer.txt galaxy-importer

## .venv with the pinned tools of the default ansible-core
venv: $(VENV)/.stamp

## copy the offline pip bootstrap into ansible-test's cache (make venv does it too)
seed-get-pip: venv
	$(VENV)/bin/python scripts/seed_get_pip.py

## re-resolve the newest versions and rewrite tests/constraints/
constraints-update:
	scripts/update-constraints.sh $(PYTHON) $(DEFAULT_CORE)=$(PYVER_$(DEFAULT_CORE)) $(GI_VENV) $(LEGS)

## print the Python version of ansible-core <core>
pyver-%:
	@echo $(PYVER_$*)

# ---------------------------------------------------------------- one leg per ansible-core
define leg_rules
.PHONY: sanity-$1 units-$1 unit-$1 integration-$1 matrix-$1
## ansible-test sanity, all tests, on this core's Python
sanity-$1: $(call venv_of,$1)/.stamp stage
	PATH="$(ROOT)/$(call venv_of,$1)/bin:$$$$PATH" $(STEP) sanity-$1 $(STAGE) ansible-test sanity --venv --python $(PYVER_$1) $(ANSIBLE_TEST_ARGS)

## ansible-test units on tests/unit/plugins; its JUnit results join the summary
units-$1: $(call venv_of,$1)/.stamp stage
	@PATH="$(ROOT)/$(call venv_of,$1)/bin:$$$$PATH" scripts/run-ansible-test-units.sh $1 $(STAGE) $(PYVER_$1) $(ANSIBLE_TEST_ARGS)

## pytest tests/unit
unit-$1: $(call venv_of,$1)/.stamp collection-link
	scripts/run-pytest.sh unit-$1 $(call venv_of,$1)/bin/python tests/unit $(PYTEST_ARGS)

## pytest tests/integration (real ansible-playbook against the simulator)
integration-$1: $(call venv_of,$1)/.stamp collection-link
	scripts/run-pytest.sh integration-$1 $(call venv_of,$1)/bin/python tests/integration $(PYTEST_ARGS) $(INTEGRATION_ARGS) \
	  $(if $(filter $1,$(ONE_LEG)),,$(ONE_LEG_MARKERS))

## one leg: integration-<core>, sanity-<core>, units-<core>, and unit-<core> on the ONE_LEG legs
matrix-$1: $(if $(filter $1,$(ONE_LEG)),unit-$1) integration-$1 sanity-$1 units-$1
endef
$(foreach v,$(MATRIX),$(eval $(call leg_rules,$v)))

# ---------------------------------------------------------------- the default ansible-core
## unit-<core> of the default core (pytest tests/unit)
unit: unit-$(DEFAULT_CORE)
## integration-<core> of the default core (pytest tests/integration)
integration: integration-$(DEFAULT_CORE)
## unit and integration
pytest: unit integration
## sanity-<core> of the default core (pep8, pylint, validate-modules, shellcheck, ...)
sanity: sanity-$(DEFAULT_CORE)
## units-<core> of the default core (ansible-test units)
units: units-$(DEFAULT_CORE)

## ansible-test compile and import sanity on the other target Pythons (COMPAT_PYTHONS)
sanity-compat: venv stage pybin
	@PATH="$(BIN):$$PATH" scripts/sanity-compat.sh $(PYBIN) $(STAGE) "$(COMPAT_PYTHONS)" $(ANSIBLE_TEST_ARGS)

## plain ansible-lint at the root, as users run it (.ansible-lint holds every setting)
lint: venv
	PATH="$(BIN):$$PATH" $(STEP) ansible-lint . env -u ANSIBLE_COLLECTIONS_PATH ansible-lint

## antsibull-docs lint of the module documentation
docs: venv stage
	PATH="$(BIN):$$PATH" $(STEP) antsibull-docs $(STAGE) antsibull-docs lint-collection-docs --plugin-docs .

## antsibull-changelog lint of changelogs/
changelog: venv
	PATH="$(BIN):$$PATH" $(STEP) antsibull-changelog . antsibull-changelog lint

## Execution Environment: ansible-builder introspection and build context (no container engine)
ee: venv collection-link
	scripts/run-pytest.sh ee $(BIN)/python tests/ee $(PYTEST_ARGS)

## the collection artifact build/zoho-bigin-<version>.tar.gz
build: venv
	PATH="$(BIN):$$PATH" ansible-galaxy collection build --force --output-path build .

## Galaxy's importer on the artifact of make build, in a venv of its own; fails on warnings
galaxy-importer: build $(GI_VENV)/.stamp
	$(STEP) galaxy-importer . scripts/check-galaxy-importer.sh $(GI_VENV)/bin/python $(ARTIFACT)

# ---------------------------------------------------------------- helpers
## copy the checkout into build/ansible_collections/zoho/bigin for ansible-test and antsibull-docs
stage:
	@scripts/stage-collection.sh $(STAGE)

## link the checkout into build/collections for plain pytest and ansible-playbook (an existing link stays)
collection-link:
	@mkdir -p $(COLLECTIONS)/ansible_collections/zoho
	@[ -L $(COLLECTIONS)/ansible_collections/zoho/bigin ] || ln -sfn $(ROOT) $(COLLECTIONS)/ansible_collections/zoho/bigin

## link the COMPAT_PYTHONS interpreters into build/pybin for sanity-compat
pybin:
	@scripts/link-pythons.sh $(PYBIN) $(COMPAT_PYTHONS)

## remove build/test-results (test and test-matrix start with it)
results-clean:
	@rm -rf $(RESULTS)

## print each JUnit file of build/test-results and the closing summary line
summary:
	@$(PYTHON) scripts/summarize_results.py $(RESULTS)

## remove build output (staged collection, results, artifacts, docs, the galaxy-importer venv) and caches (the venvs stay)
clean:
	rm -rf build tests/output .pytest_cache .hypothesis
	find . -name __pycache__ -type d -not -path './.venv*' -prune -exec rm -rf {} +

## clean, and remove the venvs
distclean: clean
	rm -rf $(VENV) .venv-*

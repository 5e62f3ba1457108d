# Build and test tooling for the zoho.bigin collection.
#
#   make test          everything for the default ansible-core (2.19, python3.11)
#   make test-matrix   sanity/units/integration for each ansible-core in MATRIX,
#                      plus lint/docs/docs-site/changelog/ee/galaxy-importer once (what CI runs)
#   make venv | sanity | units | unit | integration | lint | docs | changelog
#   make build | galaxy-importer | docs-site | demo | bench | clean | constraints-update
#
# Everything is pinned: tests/constraints/ansible-core-<version>.txt.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := test
.DELETE_ON_ERROR:

PYTHON ?= python3
DEFAULT_CORE := 2.19
MATRIX ?= 2.18 2.19 2.20 2.21
# The Python each ansible-core leg runs on (controller and ansible-test target).
PYVER_2.18 := 3.11
PYVER_2.19 := 3.11
PYVER_2.20 := 3.12
PYVER_2.21 := 3.13

ROOT := $(CURDIR)
VENV := .venv
BIN := $(ROOT)/$(VENV)/bin
STAGE := build/ansible_collections/zoho/bigin
RESULTS := build/test-results
# Plain pytest/ansible-playbook find the collection here (tests/conftest.py makes the link).
COLLECTIONS := $(ROOT)/build/collections
PYTEST_ARGS ?= -ra
INTEGRATION_ARGS ?= -n 2
ANSIBLE_TEST_ARGS ?= --color no

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# venv directory and python version for an ansible-core version ($1)
venv_of = $(if $(filter $(DEFAULT_CORE),$1),$(VENV),.venv-$1)
pyver_of = $(PYVER_$1)

.PHONY: help venv test test-matrix sanity units unit integration pytest lint docs pybin sanity-compat distclean \
	changelog ee build demo bench clean stage docs-site galaxy-importer collection-link seed-get-pip \
	constraints-update summary results-clean

help:
	@sed -n '2,10p' Makefile | sed 's/^# \{0,1\}//'

# ---------------------------------------------------------------- venvs
# $(VENV)/.stamp is rebuilt when the requirement or constraint files change.
$(VENV)/.stamp: tests/requirements-dev.txt tests/requirements-matrix.txt tests/constraints/ansible-core-$(DEFAULT_CORE).txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q -r tests/requirements-dev.txt -c tests/constraints/ansible-core-$(DEFAULT_CORE).txt
	$(VENV)/bin/python scripts/seed_get_pip.py
	@touch $@

venv: $(VENV)/.stamp

# Matrix venvs: .venv-<version>/.stamp
.venv-%/.stamp: tests/requirements-matrix.txt tests/constraints/ansible-core-%.txt
	@py=$$(scripts/find-python $(PYVER_$*)); \
	if [ -z "$$py" ]; then echo "no python$(PYVER_$*) for ansible-core $*" >&2; exit 1; fi; \
	test -x .venv-$*/bin/python || $$py -m venv .venv-$*
	.venv-$*/bin/python -m pip install -q -r tests/requirements-matrix.txt -c tests/constraints/ansible-core-$*.txt
	.venv-$*/bin/python scripts/seed_get_pip.py
	@touch $@

seed-get-pip: venv
	$(VENV)/bin/python scripts/seed_get_pip.py

# Re-resolve the newest versions and rewrite the constraint files.
constraints-update:
	rm -rf build/constraints-venv && $(PYTHON) -m venv build/constraints-venv
	build/constraints-venv/bin/python -m pip install -q -r tests/requirements-dev.txt 'ansible-core==$(DEFAULT_CORE).*'
	{ echo "# pip freeze of $(VENV) (python$(PYVER_$(DEFAULT_CORE)), ansible-core $(DEFAULT_CORE)): make venv / make test."; \
	  echo "# Refresh: make constraints-update"; build/constraints-venv/bin/python -m pip freeze; } > tests/constraints/ansible-core-$(DEFAULT_CORE).txt
	@for v in $(filter-out $(DEFAULT_CORE),$(MATRIX)); do \
	  py=$$(scripts/find-python $$(make -s --no-print-directory pyver-$$v)); \
	  if [ -z "$$py" ]; then echo "skip $$v: no interpreter"; continue; fi; \
	  rm -rf build/constraints-venv && $$py -m venv build/constraints-venv && \
	  build/constraints-venv/bin/python -m pip install -q -r tests/requirements-matrix.txt "ansible-core==$$v.*" && \
	  { echo "# pip freeze of .venv-$$v (python$$($$py -c 'import sys; print("%d.%d" % sys.version_info[:2])'), ansible-core $$v): make test-matrix."; \
	    echo "# Refresh: make constraints-update"; build/constraints-venv/bin/python -m pip freeze; } > tests/constraints/ansible-core-$$v.txt || exit 1; \
	done
	rm -rf build/constraints-venv && $(PYTHON) -m venv build/constraints-venv
	build/constraints-venv/bin/python -m pip install -q galaxy-importer 'ansible-core==$(DEFAULT_CORE).*'
	{ echo "# pip freeze of $(GI_VENV) (python$(PYVER_$(DEFAULT_CORE))): make galaxy-importer. A venv of its own:"; \
	  echo "# galaxy-importer pins attrs<24, which clashes with .venv. Refresh: make constraints-update"; \
	  build/constraints-venv/bin/python -m pip freeze; } > tests/constraints/galaxy-importer.txt
	rm -rf build/constraints-venv

pyver-%:
	@echo $(PYVER_$*)

# ---------------------------------------------------------------- helpers
# ansible-test and antsibull-docs want the collection in ansible_collections/zoho/bigin.
stage:
	@scripts/stage-collection.sh $(STAGE)

collection-link:
	@mkdir -p $(COLLECTIONS)/ansible_collections/zoho
	@test -L $(COLLECTIONS)/ansible_collections/zoho/bigin || ln -sfn $(ROOT) $(COLLECTIONS)/ansible_collections/zoho/bigin

results-clean:
	@rm -rf $(RESULTS)

summary:
	@$(PYTHON) scripts/summarize_results.py $(RESULTS)

# ---------------------------------------------------------------- one leg
# Every check runs through scripts/step.sh (one JUnit case per check, in
# build/test-results/steps); pytest runs through scripts/run-pytest.sh.
STEP := scripts/step.sh

define leg_rules
.PHONY: sanity-$1 units-$1 unit-$1 integration-$1 matrix-$1
# ansible-test sanity: all tests, on this leg's Python only.
sanity-$1: $(call venv_of,$1)/.stamp stage
	PATH="$(ROOT)/$(call venv_of,$1)/bin:$$$$PATH" $(STEP) sanity-$1 $(STAGE) \
	  ansible-test sanity --venv --python $(PYVER_$1) $(ANSIBLE_TEST_ARGS)

# ansible-test units for tests/unit/plugins; its JUnit results join the summary.
units-$1: $(call venv_of,$1)/.stamp stage
	@if [ -z "$$$$(find tests/unit/plugins -name 'test_*.py' 2>/dev/null | head -1)" ]; then \
	  echo "=== ansible-test-units-$1: no tests under tests/unit/plugins yet"; \
	else \
	  rm -rf $(STAGE)/tests/output/junit; \
	  PATH="$(ROOT)/$(call venv_of,$1)/bin:$$$$PATH" $(STEP) ansible-test-units-$1 $(STAGE) \
	    ansible-test units --venv --python $(PYVER_$1) $(ANSIBLE_TEST_ARGS) tests/unit/plugins/; rc=$$$$?; \
	  mkdir -p $(RESULTS)/ansible-test-units-$1; \
	  cp $(STAGE)/tests/output/junit/*.xml $(RESULTS)/ansible-test-units-$1/ 2>/dev/null; exit $$$$rc; \
	fi

unit-$1: $(call venv_of,$1)/.stamp collection-link
	scripts/run-pytest.sh unit-$1 $(call venv_of,$1)/bin/python tests/unit $(PYTEST_ARGS)

integration-$1: $(call venv_of,$1)/.stamp collection-link
	scripts/run-pytest.sh integration-$1 $(call venv_of,$1)/bin/python tests/integration $(PYTEST_ARGS) $(INTEGRATION_ARGS)

matrix-$1: unit-$1 integration-$1 sanity-$1 units-$1
endef
$(foreach v,$(MATRIX),$(eval $(call leg_rules,$v)))

# ---------------------------------------------------------------- default version
# compile + import sanity tests of the default ansible-core on the other target
# Pythons the modules claim (tests/config.yml: python_requires >=3.8). ansible-test
# finds interpreters as "pythonX.Y" on PATH; pyenv shims of unselected versions
# fail there, so build/pybin links the real ones. Missing interpreters are skipped.
COMPAT_PYTHONS ?= 3.8 3.9 3.10 3.12 3.13
PYBIN := $(ROOT)/build/pybin

pybin:
	@mkdir -p $(PYBIN); for v in $(COMPAT_PYTHONS); do \
	  p=$$(scripts/find-python $$v); if [ -n "$$p" ]; then ln -sfn "$$p" $(PYBIN)/python$$v; \
	  else echo "=== python$$v not found: no compile/import sanity on it"; rm -f $(PYBIN)/python$$v; fi; done

sanity-compat: venv stage pybin
	@rc=0; for v in $(COMPAT_PYTHONS); do test -e $(PYBIN)/python$$v || continue; \
	  PATH="$(PYBIN):$(BIN):$$PATH" $(STEP) sanity-compat-py$$v $(STAGE) \
	    ansible-test sanity --venv --test compile --test import --python $$v $(ANSIBLE_TEST_ARGS) || rc=1; \
	done; exit $$rc

unit: unit-$(DEFAULT_CORE)
integration: integration-$(DEFAULT_CORE)
pytest: unit integration
sanity: sanity-$(DEFAULT_CORE)
units: units-$(DEFAULT_CORE)

# Plain "ansible-lint" at the root, as users run it: .ansible-lint holds every setting
# (production profile; the collection itself made available). Nothing from this Makefile's
# environment leaks in.
lint: venv
	PATH="$(BIN):$$PATH" $(STEP) ansible-lint . env -u ANSIBLE_COLLECTIONS_PATH ansible-lint

docs: venv stage
	PATH="$(BIN):$$PATH" $(STEP) antsibull-docs $(STAGE) antsibull-docs lint-collection-docs --plugin-docs .

# HTML documentation site (module pages + docs/docsite guides) in build/docs/html;
# Sphinx warnings are errors.
docs-site: venv collection-link
	PATH="$(BIN):$$PATH" $(STEP) docs-site . scripts/build-docs-site.sh

# Galaxy's importer on the artifact of "make build", in a venv of its own (its pins clash
# with .venv's); tests/galaxy-importer.cfg turns off its container-based ansible-test.
GI_VENV := build/galaxy-importer-venv
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
ARTIFACT := build/zoho-bigin-$(VERSION).tar.gz

$(GI_VENV)/.stamp: tests/constraints/galaxy-importer.txt
	@test -x $(GI_VENV)/bin/python || $(PYTHON) -m venv $(GI_VENV)
	$(GI_VENV)/bin/python -m pip install -q galaxy-importer -c tests/constraints/galaxy-importer.txt
	@touch $@

galaxy-importer: build $(GI_VENV)/.stamp
	$(STEP) galaxy-importer . scripts/check-galaxy-importer.sh $(GI_VENV)/bin/python $(ARTIFACT)

changelog: venv
	PATH="$(BIN):$$PATH" $(STEP) antsibull-changelog . antsibull-changelog lint

# Execution Environment: ansible-builder introspection and build context (no container engine here).
ee: venv
	PATH="$(BIN):$$PATH" $(STEP) ansible-builder . scripts/check-ee.sh

# Checks that do not depend on the ansible-core leg: run once, on the default version.
ONCE := sanity-compat lint docs docs-site changelog ee galaxy-importer

# The summary (one "summary: N passed, N failed, N skipped" line over all JUnit
# results) is printed even when a step failed; the exit status is the steps'.
# Use "make -k test" to run every check even after a failure.
test: results-clean
	@$(MAKE) --no-print-directory matrix-$(DEFAULT_CORE) $(ONCE); rc=$$?; \
	$(MAKE) --no-print-directory summary || rc=1; exit $$rc

# Legs whose interpreter is missing are skipped (reported), not failed.
AVAILABLE_MATRIX := $(foreach v,$(MATRIX),$(if $(shell scripts/find-python $(PYVER_$v)),$v))
SKIPPED_MATRIX := $(filter-out $(AVAILABLE_MATRIX),$(MATRIX))

# Each leg runs even when an earlier one failed; each prints its duration.
test-matrix: results-clean
	@$(if $(SKIPPED_MATRIX),echo "=== skipping ansible-core $(SKIPPED_MATRIX): python$(foreach v,$(SKIPPED_MATRIX), $(PYVER_$v)) not found",true)
	@rc=0; for v in $(AVAILABLE_MATRIX); do \
	  start=$$(date +%s); $(MAKE) --no-print-directory matrix-$$v || rc=1; \
	  echo "=== matrix leg ansible-core $$v (python$$($(MAKE) -s --no-print-directory pyver-$$v)): $$(( $$(date +%s) - start ))s"; \
	done; \
	start=$$(date +%s); $(MAKE) --no-print-directory $(ONCE) || rc=1; \
	echo "=== $(ONCE): $$(( $$(date +%s) - start ))s"; \
	$(MAKE) --no-print-directory summary || rc=1; exit $$rc

# ---------------------------------------------------------------- misc
build: venv
	mkdir -p build
	PATH="$(BIN):$$PATH" ansible-galaxy collection build --force --output-path build .

demo: venv
	$(VENV)/bin/python tests/simulator/demo.py

bench: venv
	$(VENV)/bin/python benchmarks/bench_photo.py

clean:
	rm -rf build tests/output .pytest_cache .hypothesis
	find . -name __pycache__ -type d -not -path './.venv*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .venv-*

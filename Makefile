# Developer entry points. `make demo` runs the main job against the bundled simulator;
# `make test` runs every gate and test. Both install what they need into .venv first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# ansible-test needs the collection at .../ansible_collections/<namespace>/<name>: it gets a fresh copy there;
# ansible-playbook and ansible-doc see the working tree through a symlink.
TEST_TREE := $(CURDIR)/build/ansible-test/ansible_collections/backupops/veeam
COLLECTIONS := $(CURDIR)/build/collections
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_PYTHON_INTERPRETER := $(BIN)/python
export PATH := $(BIN):$(PATH)
# Nothing `make` runs writes into the user's home: ansible-test (~/.ansible/test, its venvs and the get-pip cache),
# ansible-playbook (~/.ansible/tmp, the maintenance window's default record directory), ansible-lint and galaxy-importer
# (~/.cache) and antsibull (~/antsibull.log) get build/home instead. Configuration is still read from the real home:
# pip's user configuration (package index), pyenv (its shims provide python3.x) and git's global configuration.
REAL_HOME := $(HOME)
export HOME := $(CURDIR)/build/home
ifneq ($(wildcard $(REAL_HOME)/.config/pip/pip.conf),)
export PIP_CONFIG_FILE ?= $(REAL_HOME)/.config/pip/pip.conf
else ifneq ($(wildcard $(REAL_HOME)/.pip/pip.conf),)
export PIP_CONFIG_FILE ?= $(REAL_HOME)/.pip/pip.conf
endif
ifneq ($(wildcard $(REAL_HOME)/.pyenv),)
export PYENV_ROOT ?= $(REAL_HOME)/.pyenv
endif
ifneq ($(wildcard $(REAL_HOME)/.gitconfig),)
export GIT_CONFIG_GLOBAL ?= $(REAL_HOME)/.gitconfig
endif
ANSIBLE_CORE_VERSION := $(shell sed -n 's/^ansible-core==//p' requirements-dev.txt)
# The pip version ansible-test bootstraps into its venvs names the cached get-pip script it looks for.
PIP_VERSION_FOR_ANSIBLE_TEST = $(shell sed -n "s/^ *pip='\([0-9.]*\)',/\1/p" $(VENV)/lib/python*/site-packages/ansible_test/_internal/python_requirements.py)

.PHONY: help venv demo test compat bench bench-smoke gates changelog-lint lint complexity docs-lint docs sanity units pytest build galaxy-import simulator clean

help:
	@echo "make demo       run the maintenance window end to end against the bundled Veeam API simulator"
	@echo "make test       run every quality gate, the unit tests and the integration tests"
	@echo "make simulator  start the simulator in the foreground (Ctrl-C stops it)"

venv: $(VENV)/.installed $(COLLECTIONS)/ansible_collections/backupops/veeam $(HOME)

$(VENV)/.installed: requirements-dev.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(HOME):
	mkdir -p $@

$(COLLECTIONS)/ansible_collections/backupops/veeam:
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

demo: venv
	$(BIN)/python tests/demo.py

# SIM_ARGS: the simulator's options, e.g. SIM_ARGS='--vb365-port 0' when 4443 is taken (python -m veeam_sim --help).
SIM_ARGS ?=
simulator: venv
	PYTHONPATH=tests/simulator $(BIN)/python -m veeam_sim $(SIM_ARGS)

test: venv
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory gates pytest compat bench-smoke; \
	echo "make test: all gates and tests passed in $$(( $$(date +%s) - start )) s"

gates: changelog-lint lint complexity docs-lint docs sanity units galaxy-import

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

# Every function in plugins/ within 40 lines and a cyclomatic complexity of 10 (radon); prints the most complex ones.
complexity: venv
	$(BIN)/python tests/complexity.py

lint: venv
	$(BIN)/ansible-lint --profile production --offline

docs-lint: venv
	$(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

# The collection's HTML documentation (build/docs/build/html/index.html), as docs.ansible.com would render it; any Sphinx
# warning fails. The docsite is generated afresh each time and made buildable offline by .ci/docs_offline.py.
DOCS := $(CURDIR)/build/docs
docs: venv
	rm -rf $(DOCS) && mkdir -p -m 0700 $(DOCS)
	$(BIN)/antsibull-docs sphinx-init --use-current --dest-dir $(DOCS) backupops.veeam >/dev/null
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(DOCS)/requirements.txt
	$(BIN)/python .ci/docs_offline.py $(DOCS)
	$(DOCS)/build.sh
	@echo "make docs: $(DOCS)/build/html/index.html"

# A copy of exactly what git would ship (tracked and new files, not ignored ones), laid out for ansible-test.
test-tree: venv
	rm -rf $(TEST_TREE) && mkdir -p $(TEST_TREE)
	git ls-files --cached --others --exclude-standard -z | grep -zv '^\.ci/' | xargs -0 -I{} cp --parents -- {} $(TEST_TREE)/ 2>/dev/null || true
	@# Its own git repository: inside this (ignoring) repository ansible-test would otherwise skip every file.
	cd $(TEST_TREE) && git init -q && git add -A && git -c user.name=make -c user.email=make@localhost commit -qm tree
	@find $(TEST_TREE) -type f -not -path '*/.git/*' | wc -l | xargs echo "test tree files:"

ansible-test-bootstrap: venv
	mkdir -p ~/.ansible/test/cache
	cp .ci/get_pip_offline.py ~/.ansible/test/cache/get_pip_$(subst .,_,$(PIP_VERSION_FOR_ANSIBLE_TEST)).py

sanity: test-tree ansible-test-bootstrap
	cd $(TEST_TREE) && $(BIN)/ansible-test sanity --python 3.11 --venv --color no

units: test-tree ansible-test-bootstrap
	cd $(TEST_TREE) && $(BIN)/ansible-test units --python 3.11 --venv --color no

build: venv
	rm -rf build/dist && mkdir -p build/dist
	$(BIN)/ansible-galaxy collection build --force --output-path build/dist .

galaxy-import: build
	cd build/dist && GALAXY_IMPORTER_CONFIG=$(CURDIR)/.ci/galaxy-importer.cfg $(BIN)/python -m galaxy_importer.main backupops-veeam-*.tar.gz | tee galaxy-importer.log
	@! grep -E '^ERROR' build/dist/galaxy-importer.log

pytest: venv
	$(BIN)/python -m pytest -n 2 -q --durations=5

# meta/runtime.yml promises ansible-core >= $(OLDEST_ANSIBLE_CORE): the VB365, EM and VBR module tests and the window action run on it too.
OLDEST_ANSIBLE_CORE := 2.16.19
COMPAT_VENV := $(CURDIR)/.venv-ansible-$(OLDEST_ANSIBLE_CORE)
compat: venv
	test -x $(COMPAT_VENV)/bin/ansible-playbook || ( $(PYTHON) -m venv $(COMPAT_VENV) && \
	  $(COMPAT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check ansible-core==$(OLDEST_ANSIBLE_CORE) -r requirements.txt )
	@# A representative slice (idempotence, check/diff mode, env credentials, re-login), not the whole suite again.
	ANSIBLE_BIN_DIR=$(COMPAT_VENV)/bin $(BIN)/python -m pytest -n 2 -q tests/integration/test_o365_job.py tests/integration/test_agent_job.py \
	  tests/integration/test_vbr_job.py tests/integration/test_maintenance_window.py tests/integration/test_vbr_releases.py \
	  -k "twice or check_mode or diff or environment or expir or info or window_action or auto_costs or refresh_token"

# The benchmark of docs/performance.md (about two hours, most of it the uri baselines;
# bench.py --fleet-servers 10,50 for a shorter one); results land in tests/benchmark/results/.
bench: venv
	$(BIN)/python -m pip install --quiet --disable-pip-version-check matplotlib
	$(BIN)/python tests/benchmark/bench.py

# Tiny job counts; asserts the request-count invariants, never times.
bench-smoke: venv
	$(BIN)/python tests/benchmark/bench.py --smoke

clean:
	rm -rf build .pytest_cache

# Two commands on a fresh machine: `make synth` and `make test`.
# Everything installs into the project: .venv (Python) and node_modules (cdk8s CLI).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# checkov pins many libraries of its own: it gets a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30
CDK8S := node_modules/.bin/cdk8s
export CDK8S_CHECK_UPGRADE := false
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1

.PHONY: synth preview test e2e e2e-packages lint docs bench fuzz golden clean install imports companion

install: $(VENV)/.installed $(CDK8S)

$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet checkov==$(CHECKOV_VERSION)
	touch $@

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(CDK8S): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# `make synth` runs main.py directly: the same app `cdk8s synth` runs (cdk8s.yaml's app:, a test
# holds the two to the same bytes), without the CLI's own start-up. The app swaps dist/ in whole,
# under a lock: a failing, killed or concurrent synth never leaves dist/ half-written.
# `make synth ENV=qa` writes one environment alone to build/qa/ (never dist/).
ENV ?=
synth: install
ifeq ($(ENV),)
	$(PY) main.py
else
	ONLY_ENVIRONMENT=$(ENV) CDK8S_DJANGO_OUTDIR=build/.synth-$(ENV) CDK8S_DJANGO_DIST_DIR=build $(PY) main.py
	rm -rf build/$(ENV) && mv build/.synth-$(ENV)/$(ENV) build/$(ENV) && rm -rf build/.synth-$(ENV)
endif

# `make preview BRANCH=feature/x OWNER=alice` writes that branch's preview to build/<preview name>/: that folder
# alone, checked to be the branch's preview (collect-preview refuses anything else main.py wrote, by name).
BRANCH ?=
OWNER ?= $(USER)
preview: install
	test -n "$(BRANCH)" || { echo "usage: make preview BRANCH=<branch> OWNER=<owner>"; exit 2; }
	rm -rf build/.synth-preview
	PREVIEW_BRANCH="$(BRANCH)" PREVIEW_OWNER="$(OWNER)" CDK8S_DJANGO_OUTDIR=build/.synth-preview CDK8S_DJANGO_DIST_DIR=build $(PY) main.py
	$(PY) -m cdk8s_django collect-preview --branch "$(BRANCH)" --from build/.synth-preview --to build
	rm -rf build/.synth-preview

# The jsii companion (companion/src/index.ts): builds it with the pinned jsii toolchain and writes the
# Python module jsii-pacmak generates to constructs/cdk8s_django/_companion/ (committed: installing the
# library needs no npm). tests/components/test_companion.py rebuilds it and compares every byte.
companion: $(CDK8S)
	companion/build.sh constructs/cdk8s_django/_companion

# Typed bindings for the CRDs listed in cdk8s.yaml (committed; regenerates offline).
imports: install
	$(CDK8S) import --language python --output imports

# The package is typed and linted: mypy --strict and ruff, before the tests. Ruff holds the complexity
# budget (C901 at 12, PLR0915 at 40 statements, E501 at 140; pyproject.toml), with no noqa to dodge it.
lint: install
	$(PY) -m mypy --strict constructs/cdk8s_django
	$(PY) -m ruff check constructs/cdk8s_django bench e2e
	! grep -rnE 'noqa(: *[A-Z0-9, ]*(C901|PLR0915|E501)|\s*$$)' constructs/cdk8s_django
	! grep -nE 'per-file-ignores' pyproject.toml

# API reference from the docstrings, as HTML in docs/api/ (not committed).
docs: install
	PDOC_ALLOW_EXEC=1 $(PY) -m pdoc --docformat google --output-directory docs/api cdk8s_django

# Two workers on this machine kind (pytest-xdist; -n auto: one per core; worksteal evens out the long tests).
test: install $(CHECKOV_VENV)/.installed lint
	$(PY) -m pytest -n auto --dist worksteal

# `make e2e`: every container of dist/qa/, dist/demo/ and dist/production/ run as its manifest says (command, env,
# volumes, user, probes, preStop), against Debian's PostgreSQL, Redis, RabbitMQ, Memcached and nginx and the reference app in examples/shop-app/
# (README: "What make e2e proves"). Root: each pod gets namespaces of its own; the run gets its own network.
E2E_IMAGE := build/e2e/image
E2E_DEBIAN := postgresql redis-server rabbitmq-server memcached nginx iproute2 util-linux
e2e: install e2e-packages $(E2E_IMAGE)/.built
	unshare --net -- $(PY) -m pytest -p no:cacheprovider -v -n 3 --dist loadfile --durations 8 e2e

# The servers e2e runs, from Debian's packages: installed when missing (CI runs as root; a laptop: sudo apt-get).
e2e-packages:
	@missing="$$(for p in $(E2E_DEBIAN); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; done | tr '\n' ' ')"; \
	if [ -z "$${missing% }" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then echo "make e2e needs Debian packages: $$missing(sudo apt-get install $$missing)" >&2; exit 2; fi; \
	echo "installing $$missing"; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null \
	  || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null; }

# The reference app's image, built as its Dockerfile builds it: a venv with its pinned requirements, the app,
# and collectstatic at build time.
$(E2E_IMAGE)/.built: $(shell find examples/shop-app -type f -not -path '*/__pycache__/*' -not -path '*/staticfiles/*')
	rm -rf $(E2E_IMAGE) && mkdir -p $(E2E_IMAGE)
	$(PYTHON) -m venv $(E2E_IMAGE)/venv
	$(E2E_IMAGE)/venv/bin/python -m pip install --quiet --no-cache-dir -r examples/shop-app/requirements.txt
	cp -r examples/shop-app $(E2E_IMAGE)/app
	cd $(E2E_IMAGE)/app && env -i PATH="$$PATH" PYTHONDONTWRITEBYTECODE=1 DJANGO_SETTINGS_MODULE=shop.settings \
	  SECRET_KEY=build ALLOWED_HOSTS=build DATABASE_HOST=build DATABASE_NAME=build DATABASE_USER=build \
	  DATABASE_PASSWORD=build DATABASE_SSLMODE=disable CACHE_URL=redis://build CELERY_BROKER_URL=redis://build \
	  ../venv/bin/python -m django collectstatic --noinput >/dev/null
	touch $@

# A long random run of the property tests: counts of valid, rejected and invalid specs, and how
# often each option was present. `make fuzz FUZZ_EXAMPLES=500 FUZZ_SEED=1` replays a run.
FUZZ_EXAMPLES ?= 20000
FUZZ_SEED ?=
fuzz: install
	$(PY) tests/fuzzing.py --examples $(FUZZ_EXAMPLES) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

# The whole golden corpus (make test checks every third seed): the output kept since the resolve stage.
golden: install
	GOLDEN_ALL=1 $(PY) -m pytest -q tests/spec/test_golden_corpus.py

$(VENV)/.bench-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@

bench: install $(VENV)/.bench-installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) node_modules .cdk8s-out .pytest_cache

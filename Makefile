# endpoint-drift: `make demo` and `make test` set everything up on a fresh Debian machine.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Build and run-time libraries, and the real tools the tests use (git, openssl, xmllint).
APT_PACKAGES := libgit2-dev libyaml-dev pkg-config git openssl ca-certificates libxml2-utils python3 python3-jsonschema
BIN := .build/debug/endpoint-drift

.PHONY: all deps jsonschema build test demo bench format lint release clean

all: build

## Install what is missing (apt-get; sudo when not root).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## A python3 that can import jsonschema, for the SARIF schema tests: Debian's python3-jsonschema
## (from deps), else pip --user.
jsonschema:
	@for p in python3 /usr/bin/python3; do $$p -c 'import jsonschema' 2>/dev/null && exit 0; done; \
	echo "Installing jsonschema with pip --user"; \
	python3 -m pip install --user -q jsonschema || python3 -m pip install --user -q --break-system-packages jsonschema

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Build, check formatting, run every test. The output tests run real validators: xmllint and
## Python's jsonschema (ENDPOINT_DRIFT_PYTHON names the python that has it).
test: deps jsonschema
	$(SWIFT) build --build-tests
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	ENDPOINT_DRIFT_PYTHON="$$(for p in python3 /usr/bin/python3; do $$p -c 'import jsonschema' 2>/dev/null && command -v $$p && break; done)" \
	  $(SWIFT) test --skip-build

## The bundled demo (fixtures/demo): scan its manifests (read from this repository's HEAD), then
## check them against live.json, recorded from a real API server. Exit 1 (drift found) is expected.
demo: build
	$(BIN) scan --repo . --ref HEAD --path fixtures/demo/repo
	@echo
	@$(BIN) check --repo . --ref HEAD --path fixtures/demo/repo \
	  --live-file fixtures/demo/live.json --config fixtures/demo/endpoint-drift.yaml; \
	  status=$$?; echo "(exit $$status: 0 in sync, 1 drift found, 2 could not check)"; [ $$status -le 1 ]

## Benchmark, not a test: generates the data into .bench/ (git-ignored; deterministic, reused when
## present), measures every phase at 1/4, 1 and 4 times the size against the I/O limits (git
## cat-file, libyaml through Python's CSafeLoader) and prints the figures. See docs/performance.md.
bench: deps
	@dpkg -s python3-yaml >/dev/null 2>&1 || $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-yaml
	$(SWIFT) build -c release
	.build/release/endpoint-drift-bench run $(BENCH_ARGS)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build

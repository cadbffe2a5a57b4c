# endpoint-drift: `make demo` and `make test` set everything up on a fresh Debian machine.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Build and run-time libraries, and the real tools the tests use (git, openssl, xmllint).
APT_PACKAGES := libgit2-dev libyaml-dev pkg-config git openssl ca-certificates libxml2-utils python3 python3-jsonschema
BIN := .build/debug/endpoint-drift

.PHONY: all deps build test demo format lint release clean

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

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Build, check formatting, run every test.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	$(SWIFT) test --skip-build

## Scan the bundled demo GitOps tree (read from this repository's HEAD).
demo: build
	$(BIN) scan --repo . --ref HEAD --path fixtures/demo/repo

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build

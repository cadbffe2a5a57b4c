# endpoint-drift: `make demo` and `make test` set everything up on a fresh Debian machine.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Build and run-time libraries, and the real tools the tests use: git, openssl, xmllint, promtool
# (prometheus), a Pushgateway, headless Chromium for the HTML report, python3 with venv for the
# PyPI validators, and readelf (binutils) for the Dockerfile test.
APT_PACKAGES := libgit2-dev libyaml-dev pkg-config git jq openssl ca-certificates libxml2-utils python3 python3-jsonschema \
  python3-venv binutils prometheus prometheus-pushgateway chromium
BIN := .build/debug/endpoint-drift
# Validators from PyPI (schemas bundled, so the tests need no network): GitHub workflow, action
# and GitLab CI files, and Kubernetes manifests. Pinned; installed once into a venv in .build.
PYTOOLS := .build/pytools
PYTOOLS_PACKAGES := check-jsonschema==0.39.0 kubernetes-validate==1.37.0
PYTHON ?= python3

.PHONY: all deps jsonschema pytools build test fuzz demo demo-fleet bench bench-flux format lint release clean

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

## PyPI validators in .build/pytools (a venv), reinstalled only when the pinned list changes.
pytools: $(PYTOOLS)/.installed

$(PYTOOLS)/.installed: Makefile
	@[ -x $(PYTOOLS)/bin/pip ] || $(PYTHON) -m venv $(PYTOOLS)
	$(PYTOOLS)/bin/pip install -q --disable-pip-version-check $(PYTOOLS_PACKAGES)
	@touch $@

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Build, check formatting, run every test. The output tests run real validators: xmllint and
## Python's jsonschema (ENDPOINT_DRIFT_PYTHON names the python that has it).
test: deps jsonschema pytools
	$(SWIFT) build --build-tests
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	ENDPOINT_DRIFT_PYTHON="$$(for p in python3 /usr/bin/python3; do $$p -c 'import jsonschema' 2>/dev/null && command -v $$p && break; done)" \
	  $(SWIFT) test --skip-build

## libFuzzer over the readers of outside input (YAML, JSON, manifest files, snapshots, kubeconfig):
## a build of its own in .build-fuzz (only the modules those readers live in, instrumented with
## -sanitize=fuzzer; ENDPOINT_DRIFT_FUZZ=1 selects that graph in Package.swift), seeded with every
## YAML and JSON file under fixtures/. FUZZ_RUNS inputs (CI runs the default); FUZZ_RUNS=-1 runs
## until stopped; FUZZ_ARGS adds libFuzzer flags (-max_total_time=3600, -jobs=2…). New inputs
## collect in .build-fuzz/corpus, a crash is kept as .build-fuzz/crash-<sha1>; replay one with
## `.build-fuzz/debug/endpoint-drift-fuzz FILE`.
FUZZ_RUNS ?= 100000
FUZZ_SEED ?= 1
FUZZ_SCRATCH := .build-fuzz
fuzz: deps
	ENDPOINT_DRIFT_FUZZ=1 $(SWIFT) build --scratch-path $(FUZZ_SCRATCH) -c debug \
	  -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library --product endpoint-drift-fuzz
	@rm -rf $(FUZZ_SCRATCH)/seeds && mkdir -p $(FUZZ_SCRATCH)/seeds $(FUZZ_SCRATCH)/corpus
	@find fixtures -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | while read -r f; do \
	  cp "$$f" "$(FUZZ_SCRATCH)/seeds/$$(echo "$$f" | tr / _)"; done
	$(FUZZ_SCRATCH)/debug/endpoint-drift-fuzz -runs=$(FUZZ_RUNS) -seed=$(FUZZ_SEED) -max_len=16384 \
	  -timeout=10 -rss_limit_mb=2048 -artifact_prefix=$(FUZZ_SCRATCH)/ $(FUZZ_ARGS) \
	  $(FUZZ_SCRATCH)/corpus $(FUZZ_SCRATCH)/seeds

## The bundled demo (fixtures/demo): scan its manifests (read from this repository's HEAD), then
## check them against live.json, recorded from a real API server. Exit 1 (drift found) is expected.
demo: build
	$(BIN) scan --repo . --ref HEAD --path fixtures/demo/repo
	@echo
	@$(BIN) check --repo . --ref HEAD --path fixtures/demo/repo \
	  --live-file fixtures/demo/live.json --config fixtures/demo/endpoint-drift.yaml; \
	  status=$$?; echo "(exit $$status: 0 in sync, 1 drift found, 2 could not check)"; [ $$status -le 1 ]

## Several clusters (fixtures/demo/fleet.yaml): the combined text report, the HTML report and the
## metrics file in .build/demo, and the HTML rendered to PNG at a laptop and a phone width. Exit 2
## (the lab cluster cannot be reached) is expected.
demo-fleet: build
	@mkdir -p .build/demo
	@$(BIN) check --all-clusters --config fixtures/demo/fleet.yaml --repo . --ref HEAD -o text \
	  -o html=.build/demo/fleet.html --metrics-file .build/demo/endpoint_drift.prom \
	  --repo-url 'https://git.example.com/platform/gitops/blob/{commit}/{path}#L{line}'; \
	  status=$$?; echo "(exit $$status: 0 in sync, 1 drift found, 2 could not check)"; [ $$status -le 2 ]
	scripts/render-html.sh .build/demo/fleet.html .build/demo/fleet-desktop.png 1280 2400
	scripts/render-html.sh .build/demo/fleet.html .build/demo/fleet-phone.png 390 2400 2

## Benchmark, not a test: generates the data into .bench/ (git-ignored; deterministic, reused when
## present), measures every phase at 1/4, 1 and 4 times the size against the I/O limits (git
## cat-file, libyaml through Python's CSafeLoader) and prints the figures. See docs/performance.md.
bench: deps
	@dpkg -s python3-yaml >/dev/null 2>&1 || $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-yaml
	$(SWIFT) build -c release
	.build/release/endpoint-drift-bench run $(BENCH_ARGS)

## Benchmark of a generated Flux-layout repository (10,000 files: ks.yaml, kustomizations,
## variables from a ConfigMap): the scan's figures beside git cat-file --batch on the same blobs.
bench-flux: deps
	$(SWIFT) build -c release --product endpoint-drift-bench
	.build/release/endpoint-drift-bench flux $(BENCH_ARGS)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build

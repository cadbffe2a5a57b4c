# endpoint-drift: `make demo` and `make test` set everything up on a fresh Debian machine.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# What building needs: libgit2, libyaml, pkg-config, and what the Swift toolchain itself needs on
# Debian (its linker, C and C++ runtimes, git for the package checkouts; from swift.org's list for
# Debian 12, without what only installing the toolchain needs). `make demo` installs only these.
TOOLCHAIN_PACKAGES := binutils git libc6-dev libgcc-12-dev libstdc++-12-dev libpython3-dev libedit2 libsqlite3-0 \
  libxml2-dev libncurses-dev libz3-dev zlib1g-dev tzdata
BUILD_PACKAGES := libgit2-dev libyaml-dev pkg-config $(TOOLCHAIN_PACKAGES)
# The real tools the tests use: git, openssl, xmllint, promtool (prometheus), a Pushgateway, headless
# Chromium for the HTML report, python3 with venv for the PyPI validators, readelf (binutils), GNU
# time (the peak-memory tests read the binary's own ru_maxrss from it).
TEST_PACKAGES := git jq openssl ca-certificates libxml2-utils python3 python3-jsonschema python3-venv binutils \
  time prometheus prometheus-pushgateway chromium
APT_PACKAGES := $(BUILD_PACKAGES) $(TEST_PACKAGES)
BIN := .build/debug/endpoint-drift
# Validators from PyPI (schemas bundled, so the tests need no network): GitHub workflow, action
# and GitLab CI files, and Kubernetes manifests. Pinned; installed once into a venv in .build.
PYTOOLS := .build/pytools
PYTOOLS_PACKAGES := check-jsonschema==0.39.0 kubernetes-validate==1.37.0
PYTHON ?= python3
# The optimized build `make release` and the benchmarks use: the Swift runtime linked in as the
# shipped binary has it (`make dist`), so `make bench` measures what users run. (Its start costs
# about 3 ms less than with the runtime's shared libraries.) Every release product is built with the
# same flags: SwiftPM rebuilds all modules when they change.
RELEASE_FLAGS := -c release --static-swift-stdlib

.PHONY: all deps build-deps dist-deps jsonschema pytools build test fuzz demo demo-fleet bench bench-flux bench-soak format lint \
  protobuf \
  release dist dist-build dist-check release-sums clean

all: build

## Only what building needs (for demo, build, release).
build-deps:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(BUILD_PACKAGES)"

## Install what is missing (apt-get; sudo when not root): by default what building and the tests need.
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

build: build-deps
	$(SWIFT) build

release: build-deps
	$(SWIFT) build $(RELEASE_FLAGS) --product endpoint-drift

## Build, check formatting, run every test. The output tests run real validators: xmllint and
## Python's jsonschema (ENDPOINT_DRIFT_PYTHON names the python that has it). The peak-memory tests
## (gigabytes of hostile input through the binary) run on their own after the rest, not beside
## suites whose hang bounds their I/O would stretch.
TEST_PYTHON = $$(for p in python3 /usr/bin/python3; do $$p -c 'import jsonschema' 2>/dev/null && command -v $$p && break; done)
test: deps jsonschema pytools
	$(SWIFT) build --build-tests
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	ENDPOINT_DRIFT_PYTHON="$(TEST_PYTHON)" $(SWIFT) test --skip-build --skip PeakMemoryTests
	$(SWIFT) test --skip-build --filter PeakMemoryTests

## libFuzzer over the readers of outside input (YAML, JSON, manifest files, snapshots, protobuf list
## items, kubeconfig):
## a build of its own in .build-fuzz (only the modules those readers live in, instrumented with
## -sanitize=fuzzer; ENDPOINT_DRIFT_FUZZ=1 selects that graph in Package.swift), seeded with every
## YAML, JSON and protobuf file under fixtures/. FUZZ_RUNS inputs (CI runs the default); FUZZ_RUNS=-1 runs
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
	@find fixtures -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' -o -name '*.pb' \) | while read -r f; do \
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
demo-fleet: deps build
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
	$(SWIFT) build $(RELEASE_FLAGS) --product endpoint-drift
	$(SWIFT) build $(RELEASE_FLAGS) --product endpoint-drift-bench
	.build/release/endpoint-drift-bench run $(BENCH_ARGS)

## Benchmark of a generated Flux-layout repository (10,000 files: ks.yaml, kustomizations,
## variables from a ConfigMap): the scan's figures beside git cat-file --batch on the same blobs.
bench-flux: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product endpoint-drift-bench
	.build/release/endpoint-drift-bench flux $(BENCH_ARGS)

## Soak benchmark of serve (issue 16): 1,000 Services, one Endpoints change a second for 10
## minutes; serve's memory after the first sync and at the end, event-to-metric latency.
bench-soak: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product endpoint-drift
	$(SWIFT) build $(RELEASE_FLAGS) --product endpoint-drift-bench
	.build/release/endpoint-drift-bench soak $(BENCH_ARGS)

## Regenerates Sources/KubeProtobufObjects/ from Protos/kubernetes-objects.proto, only after it
## changed (the output is committed, so builds need neither tool). protoc and protoc-gen-swift are
## built from the swift-protobuf checkout the package resolved (about 5 minutes the first time, no
## network).
PROTOBUF_BUILD := .build-protobuf
protobuf:
	$(SWIFT) package resolve
	$(SWIFT) build --package-path .build/checkouts/swift-protobuf --scratch-path $(PROTOBUF_BUILD) -c release \
	  --product protoc
	$(SWIFT) build --package-path .build/checkouts/swift-protobuf --scratch-path $(PROTOBUF_BUILD) -c release \
	  --product protoc-gen-swift
	$(PROTOBUF_BUILD)/release/protoc --plugin=protoc-gen-swift=$(PROTOBUF_BUILD)/release/protoc-gen-swift \
	  --swift_opt=Visibility=Public --swift_out=Sources/KubeProtobufObjects -I Protos Protos/kubernetes-objects.proto

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build

## The portable release: `dist/endpoint-drift-<version>-linux-<arch>.tar.gz` (one executable, the Swift
## runtime, libgit2, libyaml and what they need linked in statically; completions, man page, LICENSE,
## README), SHA256SUMS, the krew manifest plugins/endpoint-drift.yaml and the OCI image archive.
## Built in .build-dist (git-ignored), incrementally. See docs/install.md.
DIST_SCRATCH := .build-dist
DIST_ARCH := $(shell uname -m)
DIST_VERSION = $(shell sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/EndpointDriftKit/Version.swift)
DIST_TRIPLE := $(shell gcc -dumpmachine 2>/dev/null || echo $(DIST_ARCH)-linux-gnu)
# Every library `pkg-config --static` lists for libgit2, libssh2 (its crypto) and libyaml that Debian
# ships as a .a file is linked from that file: .build-dist/static-libs holds links to only those .a
# files. SwiftPM reads libgit2.pc and yaml-0.1.pc for the link (and puts their -L first), so
# .build-dist/pkgconfig has versions of the two that point there and list the static dependencies
# (Debian's own name /usr/lib/<triple>, where the .so files are); the module maps' -lgit2 and -lyaml
# then find the .a files too. The whole set is also one group at the end, in any order, with
# libstdc++ (the Swift runtime's -lstdc++) and, as libgcc_s, libgcc_eh (the unwinder, which clang
# asks for as -lgcc_s). Kerberos' GSSAPI, which Debian's libgit2 calls for HTTP Negotiate
# authentication and ships only as a .so, is replaced by packaging/gssapi-stub.c (no mechanism
# available; endpoint-drift never uses libgit2's HTTP transport). glibc stays dynamic.
# Linked against glibc 2.31 (Debian bullseye's libc6-dev, debootstrapped into DIST_SYSROOT by
# scripts/dist-sysroot.sh): the binary then runs on glibc 2.31 and later. It is compiled with this
# machine's headers; the few symbols newer than 2.31 it needs come from packaging/glibc-compat.c.
DIST_SYSROOT := $(DIST_SCRATCH)/sysroot-bullseye
DIST_PKGS := libgit2 libssh2 yaml-0.1
DIST_LIBS = $(sort $(patsubst -l%,%,$(shell pkg-config --static --libs-only-l $(DIST_PKGS))))
DIST_STATIC_LIBS = $(foreach l,$(filter-out c m dl rt pthread,$(DIST_LIBS)),$(if $(wildcard /usr/lib/$(DIST_TRIPLE)/lib$(l).a),$(l)))
DIST_GCC_DIR = $(shell dirname "$$(gcc -print-libgcc-file-name)")
DIST_SWIFT_FLAGS = -c release --scratch-path $(DIST_SCRATCH) --product endpoint-drift --static-swift-stdlib \
  --disable-local-rpath \
  -Xswiftc -file-prefix-map -Xswiftc $(CURDIR)=. -Xcc -ffile-prefix-map=$(CURDIR)=. \
  -Xswiftc -L$(CURDIR)/$(DIST_SCRATCH)/static-libs -Xlinker --start-group \
  $(foreach l,$(DIST_STATIC_LIBS) gssapi_stub glibc_compat stdc++ gcc_s,-Xlinker -l$(l)) -Xlinker --end-group \
  -Xswiftc -Xclang-linker -Xswiftc --sysroot=$(CURDIR)/$(DIST_SYSROOT)
# What packing needs (binutils: objcopy, strip; python3: the man page), what the image needs
# (debootstrap, umoci, skopeo: DIST_IMAGE=0 skips the image) and what dist-check runs (an OCI runtime,
# the shells whose completion it checks, PyYAML for the krew manifest).
DIST_IMAGE ?= 1
DIST_BUILD_PACKAGES := libgit2-dev libyaml-dev pkg-config binutils git python3 debootstrap
DIST_IMAGE_PACKAGES := debootstrap umoci skopeo ca-certificates
DIST_CHECK_PACKAGES := runc podman python3-yaml zsh fish openssl

dist-deps:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(DIST_BUILD_PACKAGES) $(if $(filter 1,$(DIST_IMAGE)),$(DIST_IMAGE_PACKAGES))"

dist-build: dist-deps
	scripts/dist-sysroot.sh $(DIST_SYSROOT)
	@mkdir -p $(DIST_SCRATCH)/static-libs
	@for l in $(DIST_STATIC_LIBS); do ln -sf /usr/lib/$(DIST_TRIPLE)/lib$$l.a $(DIST_SCRATCH)/static-libs/; done
	@ln -sf $(DIST_GCC_DIR)/libstdc++.a $(DIST_SCRATCH)/static-libs/libstdc++.a
	@ln -sf $(DIST_GCC_DIR)/libgcc_eh.a $(DIST_SCRATCH)/static-libs/libgcc_s.a
	@cc -O2 -c -o $(DIST_SCRATCH)/gssapi-stub.o packaging/gssapi-stub.c
	@rm -f $(DIST_SCRATCH)/static-libs/libgssapi_stub.a && ar rcs $(DIST_SCRATCH)/static-libs/libgssapi_stub.a $(DIST_SCRATCH)/gssapi-stub.o
	@cc -O2 -c -o $(DIST_SCRATCH)/glibc-compat.o packaging/glibc-compat.c
	@rm -f $(DIST_SCRATCH)/static-libs/libglibc_compat.a && ar rcs $(DIST_SCRATCH)/static-libs/libglibc_compat.a $(DIST_SCRATCH)/glibc-compat.o
	@mkdir -p $(DIST_SCRATCH)/pkgconfig
	@for pc in libgit2:"libgit2 libssh2" yaml-0.1:yaml-0.1; do \
	  name=$${pc%%:*}; \
	  printf 'Name: %s\nDescription: %s, linked statically (make dist)\nVersion: %s\nLibs: -L%s %s\nCflags: %s\n' \
	    "$$name" "$$name" "$$(pkg-config --modversion $$name)" "$(CURDIR)/$(DIST_SCRATCH)/static-libs" \
	    "$$(pkg-config --static --libs-only-l $${pc#*:})" "$$(pkg-config --cflags $$name)" \
	    > $(DIST_SCRATCH)/pkgconfig/$$name.pc; \
	done
	PKG_CONFIG_PATH=$(CURDIR)/$(DIST_SCRATCH)/pkgconfig $(SWIFT) build $(DIST_SWIFT_FLAGS)

dist: dist-build
	DIST_VERSION=$(DIST_VERSION) DIST_ARCH=$(DIST_ARCH) DIST_IMAGE=$(DIST_IMAGE) DIST_COMMIT="$(DIST_COMMIT)" scripts/dist.sh "$$($(SWIFT) build $(DIST_SWIFT_FLAGS) --show-bin-path)/endpoint-drift"

## Records dist/SHA256SUMS's tarball line in release/SHA256SUMS (committed: the GitHub Action installs
## only a tarball whose sha256 is listed there), replacing the line of the same file.
release-sums:
	@line=$$(grep -F -- '-linux-$(DIST_ARCH).tar.gz' dist/SHA256SUMS); file=$${line##* }; \
	  { grep -v -F -- " $$file" release/SHA256SUMS || true; echo "$$line"; } > release/SHA256SUMS.tmp; \
	  mv release/SHA256SUMS.tmp release/SHA256SUMS; echo "release/SHA256SUMS: $$line"

## Runs the tarball where users run it: in a fresh minimal Debian root filesystem (chroot), and the
## OCI image with a real OCI runtime. Needs root. See scripts/dist-check.sh.
dist-check: dist
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(DIST_CHECK_PACKAGES)"
	DIST_VERSION=$(DIST_VERSION) DIST_ARCH=$(DIST_ARCH) SWIFT="$(SWIFT)" scripts/dist-check.sh

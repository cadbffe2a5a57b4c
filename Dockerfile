# syntax=docker/dockerfile:1
# The endpoint-drift image for people with Docker. It is the image `make dist` builds without a
# Docker engine (scripts/oci-image.sh): the portable binary of the release tarball (`make dist`:
# the Swift runtime, libgit2 and libyaml linked in) on debian:bookworm-slim with CA certificates and
# tzdata, run as the unprivileged user 65532 (nonroot) in /work. scripts/image-matches-dockerfile.py
# (run by `make dist-check`) checks that the two agree: base, packages, user, folder, entrypoint.
#
#   docker build --build-arg COMMIT=$(git rev-parse --short=12 HEAD) -t endpoint-drift .
#   docker run --rm -v "$PWD:/repo:ro" endpoint-drift lint --repo /repo

ARG SWIFT_VERSION=6.3

FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgit2-dev libyaml-dev pkg-config make binutils git python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# .git is not sent to the builder: the commit --version prints comes as a build argument.
ARG COMMIT=unknown
# The build folder is a BuildKit cache: rebuilding after a source change reuses the checkouts and
# the compiled dependencies. `make dist` runs swift build -c release --static-swift-stdlib --product
# endpoint-drift with the static libraries, strips and packs; the binary is taken from the tarball.
RUN --mount=type=cache,target=/src/.build-dist \
    make dist DIST_IMAGE=0 DIST_COMMIT="${COMMIT}" \
 && mkdir -p /out \
 && tar -xzf dist/endpoint-drift-*-linux-*.tar.gz -C /out --strip-components=1 \
 && /out/endpoint-drift --version

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/*
# Matches the CronJob's runAsUser: the repository the init container clones is owned by it, as
# libgit2 requires.
RUN groupadd --gid 65532 nonroot \
 && useradd --uid 65532 --gid 65532 --home-dir /home/nonroot --create-home --shell /usr/sbin/nologin nonroot \
 && mkdir -p /work && chown 65532:65532 /work
COPY --from=build /out/endpoint-drift /usr/local/bin/endpoint-drift
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/endpoint-drift"]
CMD ["--help"]

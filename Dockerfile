# syntax=docker/dockerfile:1
# The endpoint-drift image: built with the Swift toolchain, run on a slim Debian with only the
# shared libraries the binary links (libgit2, libyaml) and CA certificates. The Swift runtime is
# linked in statically (--static-swift-stdlib), so the runtime stage needs no Swift.
#
#   docker build -t endpoint-drift .
#   docker run --rm -v "$PWD:/repo" -w /repo endpoint-drift check --live-file live.json
#
# It runs as an unprivileged user (65532). Tests/FleetTests/DeploymentTests.swift checks the
# stages, the user and that the runtime packages cover what the built binary links.

ARG SWIFT_VERSION=6.3

FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgit2-dev libyaml-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The build folder is a BuildKit cache: rebuilding after a source change reuses the checkouts
# and the compiled dependencies. The binary is copied out of it, as cache mounts are not kept,
# and stripped (144 MB with symbols, 77 MB without, measured on x86_64).
RUN --mount=type=cache,target=/src/.build \
    swift build -c release --static-swift-stdlib --product endpoint-drift \
 && install -D -s -m 0755 "$(swift build -c release --show-bin-path)/endpoint-drift" /out/endpoint-drift \
 && /out/endpoint-drift --version

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgit2-1.5 libyaml-0-2 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/endpoint-drift /usr/local/bin/endpoint-drift
# Matches the CronJob's runAsUser: the repository the init container clones is owned by it, as
# libgit2 requires.
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/endpoint-drift"]
CMD ["--help"]

#!/usr/bin/env bash
# The krew plugin manifest (plugins/endpoint-drift.yaml, krew-index layout) for the release tarball:
# version, arch, sha256 in; YAML out. krew installs the binary as kubectl-endpoint_drift (a link to
# `bin`), which endpoint-drift reads from argv[0] to call itself `kubectl endpoint-drift`.
set -euo pipefail
version=${1:?usage: krew-manifest.sh VERSION ARCH SHA256}
arch=${2:?}
sha=${3:?}
base=${DIST_URL_BASE:-https://github.com/example-org/endpoint-drift/releases/download/v$version}
case "$arch" in
  x86_64) goarch=amd64 ;;
  aarch64 | arm64) goarch=arm64 ;;
  *) goarch=$arch ;;
esac
cat <<YAML
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: endpoint-drift
spec:
  version: v$version
  homepage: https://github.com/example-org/endpoint-drift
  shortDescription: Find drift between git and the cluster in external Services' endpoints
  description: |
    Compares selector-less Services and their hand-written Endpoints and
    EndpointSlices in a git commit with the cluster, reports stale, missing or
    renumbered backends with file and line, and can write the fix as a commit.
    Run it as \`kubectl endpoint-drift check\` in a GitOps repository.
  caveats: |
    Reads the desired state from a git commit: run it inside the repository,
    or pass --repo. Needs glibc 2.36 or later.
  platforms:
    - selector:
        matchLabels:
          os: linux
          arch: $goarch
      uri: $base/endpoint-drift-$version-linux-$arch.tar.gz
      sha256: $sha
      files:
        - from: endpoint-drift-$version-linux-$arch/endpoint-drift
          to: .
        - from: endpoint-drift-$version-linux-$arch/THIRD-PARTY-NOTICES
          to: .
      bin: endpoint-drift
YAML

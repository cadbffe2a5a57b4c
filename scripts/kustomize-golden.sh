#!/usr/bin/env bash
# Remakes the kustomize golden files of the desired-state tests: for every layout under
# fixtures/desired-state/, builds each root listed in roots.txt with a real kustomize and writes
# builds/<root with / as ->.yaml. The tests compare the scanner's objects with these.
#   KUSTOMIZE="kubectl kustomize" KUSTOMIZE_VERSION="kubectl v1.23.16 (kustomize v4.4.1)" scripts/kustomize-golden.sh
#   KUSTOMIZE="kustomize build" KUSTOMIZE_VERSION="kustomize v5.4.3" scripts/kustomize-golden.sh
# The checked-in files were made with kubectl v1.23.16 built from the Kubernetes source (its
# embedded kustomize is v4.4.1); any kubectl 1.21+ or kustomize 4+ gives the same objects.
set -euo pipefail
cd "$(dirname "$0")/.."
KUSTOMIZE=${KUSTOMIZE:-kubectl kustomize}
VERSION=${KUSTOMIZE_VERSION:-unknown version}
for layout in fixtures/desired-state/*; do
  mkdir -p "$layout/builds"
  while read -r root; do
    [ -n "$root" ] || continue
    out="$layout/builds/$(echo "$root" | tr / -).yaml"
    { echo "# made by scripts/kustomize-golden.sh with $VERSION"
      $KUSTOMIZE "$layout/tree/$root"; } > "$out"
    echo "wrote $out"
  done < "$layout/roots.txt"
done

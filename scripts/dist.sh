#!/usr/bin/env bash
# Packages the portable binary built by `make dist-build` (path in $1) into
# dist/endpoint-drift-$DIST_VERSION-linux-$DIST_ARCH.tar.gz, with dist/SHA256SUMS, the krew manifest
# plugins/endpoint-drift.yaml and the OCI image archive. Called by `make dist`.
set -euo pipefail
cd "$(dirname "$0")/.."
built=${1:?usage: dist.sh BINARY}
version=${DIST_VERSION:?}
arch=${DIST_ARCH:?}
name="endpoint-drift-$version-linux-$arch"
stage="dist/stage/$name"
rm -rf dist/stage "dist/$name.oci.tar" && mkdir -p "$stage/completions" "$stage/man/man1"

# The commit goes into the binary's 64-byte endpoint_drift_build section (Sources/CBuildInfo): a
# stamp after linking, so that a new commit does not rebuild anything.
commit=${DIST_COMMIT:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}
if [ -z "${DIST_COMMIT:-}" ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit-dirty"; fi
stamp=$(mktemp)
trap 'rm -f "$stamp"' EXIT
printf '%s' "$commit" | head -c 64 > "$stamp"
truncate -s 64 "$stamp"
objcopy --update-section endpoint_drift_build="$stamp" "$built" "$stage/endpoint-drift"
strip --strip-all "$stage/endpoint-drift"
chmod 0755 "$stage/endpoint-drift"

# Nothing of this machine may be left in the binary: no RPATH/RUNPATH, no path of the build folder.
if readelf -d "$stage/endpoint-drift" | grep -E 'RPATH|RUNPATH'; then echo "dist: the binary has an RPATH" >&2; exit 1; fi
if grep -a -q -F "$PWD" "$stage/endpoint-drift"; then echo "dist: the binary holds the build path $PWD" >&2; exit 1; fi

"$stage/endpoint-drift" --version
for shell in bash zsh fish; do "$stage/endpoint-drift" completion "$shell" > "$stage/completions/endpoint-drift.$shell"; done
# The manual from the same definitions as --help (ArgumentParser's help dump).
"$stage/endpoint-drift" --experimental-dump-help | python3 scripts/manpage.py "$version" > "$stage/man/man1/endpoint-drift.1"
cp packaging/README.txt "$stage/README"
cp LICENSE "$stage/LICENSE"
# The licences of what is linked in: the Debian packages' copyright files and Swift's.
{
  for package in libgit2-1.5 libssh2-1 libmbedtls14 libmbedx509-1 libmbedcrypto7 libhttp-parser2.9 \
    libpcre2-8-0 zlib1g libyaml-0-2 libssl3; do
    if [ -f "/usr/share/doc/$package/copyright" ]; then
      printf '==== %s (Debian package %s) ====\n\n' "${package%%[0-9]*}" "$package"
      cat "/usr/share/doc/$package/copyright"; printf '\n'
    fi
  done
  swift_license=$(dirname "$(dirname "$(readlink -f "$(command -v "${SWIFT:-swift}")")")")/share/swift/LICENSE.txt
  if [ -f "$swift_license" ]; then printf '==== Swift ====\n\n'; cat "$swift_license"; fi
} > "$stage/THIRD-PARTY-NOTICES"
(cd "$stage" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)

# Reproducible: sorted names, root-owned, the commit's time, no gzip timestamp.
mtime=$(git log -1 --format=%ct 2>/dev/null || echo 0)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -C dist/stage -cf - "$name" \
  | gzip -9 -n > "dist/$name.tar.gz.tmp"
mv "dist/$name.tar.gz.tmp" "dist/$name.tar.gz"
sha=$(sha256sum "dist/$name.tar.gz" | cut -d' ' -f1)
echo "dist/$name.tar.gz  $sha  $(stat -c %s "$stage/endpoint-drift") bytes (binary, stripped)"

# The krew manifest: in the repository's plugins/ (krew-index layout) and as a release file.
mkdir -p plugins
scripts/krew-manifest.sh "$version" "$arch" "$sha" > plugins/endpoint-drift.yaml.tmp
mv plugins/endpoint-drift.yaml.tmp plugins/endpoint-drift.yaml
cp plugins/endpoint-drift.yaml dist/endpoint-drift.yaml
echo "plugins/endpoint-drift.yaml"

if [ "${DIST_IMAGE:-1}" = 1 ]; then scripts/oci-image.sh "dist/$name.tar.gz"; fi
# The release's checksums: the tarball and, when built, the image archive.
(cd dist && sha256sum "$name.tar.gz" $(ls "$name.oci.tar" 2>/dev/null) > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
cat dist/SHA256SUMS

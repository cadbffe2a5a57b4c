#!/usr/bin/env bash
# A minimal Debian root filesystem (debootstrap --variant=minbase, plus CA certificates and tzdata)
# in $1: what `make dist-check` unpacks the tarball into and the OCI image's base. No Swift, no
# libgit2, no libyaml. Built once and reused (the marker file says it is complete); needs root.
set -euo pipefail
root=${1:?usage: dist-rootfs.sh FOLDER}
mkdir -p "$(dirname "$root")"
root=$(realpath "$root")  # debootstrap changes folder
suite=${DIST_SUITE:-bookworm}
# The mirror apt already uses here (so a local or snapshot mirror works), else Debian's.
mirror=${DIST_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | sed -n 1p)}
mirror=${mirror:-http://deb.debian.org/debian}
if [ -f "$root/.complete" ]; then exit 0; fi
rm -rf "$root.tmp"
debootstrap --variant=minbase --include=ca-certificates,tzdata "$suite" "$root.tmp" "$mirror"
rm -rf "$root.tmp/var/cache/apt/archives"/*.deb "$root.tmp/var/lib/apt/lists"/*_Packages
for library in libgit2 libyaml libswiftCore; do
  if find "$root.tmp" -name "$library*" | grep . > /dev/null; then echo "dist-rootfs: $library in the rootfs" >&2; exit 1; fi
done
rm -rf "$root"
mv "$root.tmp" "$root"
touch "$root/.complete"

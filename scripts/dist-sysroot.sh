#!/usr/bin/env bash
# The glibc the portable binary is linked against (make dist-build): Debian bullseye's libc6-dev
# (glibc 2.31) and libgcc-10-dev (the C runtime start files) in $1, from debootstrap --variant=minbase.
# Linking against the oldest glibc the binary supports is what makes it run there: the linker binds
# every call to the symbol versions that glibc has. Built once (the marker file says it is complete);
# needs root. dist-check also runs the binary in a copy of it, as a glibc 2.31 system.
set -euo pipefail
root=${1:?usage: dist-sysroot.sh FOLDER}
mkdir -p "$(dirname "$root")"
root=$(realpath -m "$root")  # debootstrap changes folder
suite=${DIST_SYSROOT_SUITE:-bullseye}
mirror=${DIST_MIRROR:-$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | sed -n 1p)}
mirror=${mirror:-http://deb.debian.org/debian}
if [ -f "$root/.complete" ]; then exit 0; fi
rm -rf "$root.tmp"
# bullseye's long-term support ended in 2026: when the mirror no longer has it, Debian's archive does.
debootstrap --variant=minbase --include=libc6-dev,libgcc-10-dev "$suite" "$root.tmp" "$mirror" \
  || { rm -rf "$root.tmp"; debootstrap --variant=minbase --include=libc6-dev,libgcc-10-dev "$suite" "$root.tmp" \
    http://archive.debian.org/debian; }
# Absolute symbolic links (libpthread.so -> /lib/x86_64-linux-gnu/libpthread.so.0) would lead the
# linker to this machine's newer libraries: make them relative, inside the root filesystem.
find "$root.tmp" -type l -lname '/*' | while read -r link; do
  ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$root.tmp$(readlink "$link")")" "$link"
done
rm -rf "$root.tmp/var/cache/apt/archives"/*.deb "$root.tmp/var/lib/apt/lists"/*_Packages
version=$(chroot "$root.tmp" ldd --version | sed -n '1s/.* \([0-9]*\.[0-9]*\)$/\1/p')
echo "dist-sysroot: $suite, glibc $version"
rm -rf "$root"
mv "$root.tmp" "$root"
touch "$root/.complete"

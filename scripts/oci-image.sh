#!/usr/bin/env bash
# The container image, without a Docker engine: the minimal Debian root filesystem
# (scripts/dist-rootfs.sh: debootstrap minbase with CA certificates and tzdata, which is what
# debian:bookworm-slim is made of) plus the portable binary from the tarball in $1, run as the
# unprivileged user 65532 (nonroot). Built with umoci, saved with skopeo as an OCI archive:
# dist/endpoint-drift-<version>-linux-<arch>.oci.tar, tagged endpoint-drift:<version>. The Dockerfile
# makes the same image (same base, user, layout); scripts/dist-check.sh compares the two.
set -euo pipefail
cd "$(dirname "$0")/.."
tarball=${1:?usage: oci-image.sh TARBALL}
name=$(basename "$tarball" .tar.gz)
version=${DIST_VERSION:?}
arch=${DIST_ARCH:?}
case "$arch" in x86_64) goarch=amd64 ;; aarch64) goarch=arm64 ;; *) goarch=$arch ;; esac
rootfs=${DIST_ROOTFS:-.build-dist/rootfs}
scripts/dist-rootfs.sh "$rootfs"

work=.build-dist/oci
rm -rf "$work" && mkdir -p "$work"
layout="$work/layout"
umoci init --layout "$layout"
umoci new --image "$layout:$version"
umoci unpack --image "$layout:$version" "$work/bundle"
root="$work/bundle/rootfs"
# The base, as bookworm-slim has it: no apt lists, documentation or manual pages.
cp -a "$rootfs/." "$root/"
rm -f "$root/.complete"
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/usr/share/doc/"* "$root/usr/share/man/"* \
  "$root/var/log/"*
# The same user as the Dockerfile (and the CronJob's runAsUser), made the same way.
chroot "$root" groupadd --gid 65532 nonroot
chroot "$root" useradd --uid 65532 --gid 65532 --home-dir /home/nonroot --create-home --shell /usr/sbin/nologin nonroot
mkdir -p "$root/work" && chown 65532:65532 "$root/work"
tar -xzf "$tarball" -C "$work" "$name/endpoint-drift"
install -m 0755 "$work/$name/endpoint-drift" "$root/usr/local/bin/endpoint-drift"
umoci repack --image "$layout:$version" "$work/bundle"
created=$(date -u -d "@$(git log -1 --format=%ct 2>/dev/null || echo 0)" +%Y-%m-%dT%H:%M:%SZ)
umoci config --image "$layout:$version" --created "$created" --history.created "$created" \
  --config.user 65532:65532 --config.workingdir /work \
  --config.entrypoint /usr/local/bin/endpoint-drift --config.cmd --help \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --architecture "$goarch" --os linux \
  --config.label org.opencontainers.image.title=endpoint-drift \
  --config.label org.opencontainers.image.version="$version" \
  --config.label org.opencontainers.image.base.name=debian:bookworm-slim
umoci gc --layout "$layout"
archive="dist/$name.oci.tar"
rm -f "$archive.tmp"
skopeo copy --quiet "oci:$layout:$version" "oci-archive:$archive.tmp:endpoint-drift:$version"
mv "$archive.tmp" "$archive"
rm -rf "$work/bundle"
echo "$archive  $(du -h "$archive" | cut -f1)"

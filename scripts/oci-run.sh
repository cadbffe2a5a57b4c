#!/usr/bin/env bash
# The OCI image archive ($1, version $2) compared with the Dockerfile's runtime stage, then run with
# a real OCI runtime (scripts/oci-exec.sh: runc, crun or podman, installed if none is; none is a
# failure, not a skip): --version, lint on a repository mounted read-only, and check against the test
# API server on the host network (the kubeconfig dist-check.sh wrote, with the server's CA as
# certificate-authority-data). Called by scripts/dist-check.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
archive=${1:?usage: oci-run.sh ARCHIVE VERSION}
version=${2:?}
work=.build-dist/check/oci
fail() { printf 'dist-check: FAIL: %s\n' "$*" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"

skopeo inspect --config "oci-archive:$archive" > "$work/image-config.json"
python3 scripts/image-matches-dockerfile.py Dockerfile "$work/image-config.json"

# A repository owned by the image's user (libgit2 refuses a repository another user owns).
repo="$work/repo"
cp -a .build-dist/check/root/srv/gitops "$repo"
chown -R 65532:65532 "$repo"
cp .build-dist/check/root/srv/kubeconfig-ca-data "$work/kubeconfig"
chmod 0644 "$work/kubeconfig"

run_image() {  # $1: expected exit code, then the arguments after the entrypoint
  local want=$1; shift
  local status=0
  timeout 300 scripts/oci-exec.sh "oci-archive:$archive" "$work/bundle" -v "$repo:/repo:ro" \
    -v "$work/kubeconfig:/kubeconfig:ro" -- "$@" > "$work/out" 2> "$work/err" || status=$?
  grep -h "^OCI runtime:" "$work/err" || true
  if [ "$status" != "$want" ]; then
    cat "$work/out" "$work/err" >&2
    fail "in the image: exit $status, want $want: $*"
  fi
}
run_image 0 --version
echo "in the image: $(cat "$work/out")"
grep -q "^endpoint-drift $version " "$work/out" || fail "--version in the image"
python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); u = c["process"]["user"]; assert (u["uid"], u["gid"], c["process"]["cwd"]) == (65532, 65532, "/work"), (u, c["process"]["cwd"])' \
  "$work/bundle/unpacked/config.json" || fail "the container does not run as 65532:65532 in /work"
echo "in the image: runs as 65532:65532 in /work"
run_image 0 lint --repo /repo
echo "in the image: lint on a repository mounted read-only: exit 0"
run_image 1 check --repo /repo --kubeconfig /kubeconfig
grep -q "port-drift" "$work/out" || fail "check in the image: $(cat "$work/out")"
echo "in the image: check against the test API server on the host network: drift found (exit 1)"
rm -rf "$work/bundle"

#!/usr/bin/env bash
# `make dist-check` (CI runs it after `make test`): the release tarball where users run it.
#  1. the tarball: checksums, contents, ldd (only glibc and the loader), no RPATH, stripped, the
#     completion scripts (bash -n, zsh -n, fish -n), the man page, the krew manifest (krew's rules),
#     the kubectl plugin name;
#  2. a fresh minimal Debian root filesystem (debootstrap minbase: no Swift, libgit2 or libyaml):
#     chroot, --version, scan, check --live-file, fix --commit on a git repository there, and check
#     over HTTPS against the TestSupport fake API server, trusted through certificate-authority-data
#     and through the root filesystem's CA bundle;
#  3. the OCI image (scripts/oci-image.sh) run with a real OCI runtime, and compared with the Dockerfile
#     (scripts/oci-run.sh).
# Needs root (chroot, the runtime). Every command that runs the binary or a server has a time bound.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${DIST_VERSION:?}
arch=${DIST_ARCH:?}
name="endpoint-drift-$version-linux-$arch"
tarball="dist/$name.tar.gz"
work=.build-dist/check
step() { printf '\ndist-check: %s\n' "$*"; }
fail() { printf 'dist-check: FAIL: %s\n' "$*" >&2; exit 1; }
# Runs a command expected to exit with $1 (0 success, 1 drift found, 2 could not check; "0|1" for
# either).
expect_exit() {
  local want=$1; shift
  local status=0
  timeout 120 "$@" > "$work/out" 2> "$work/err" || status=$?
  if ! [[ "$status" =~ ^($want)$ ]]; then
    cat "$work/out" "$work/err" >&2
    fail "exit $status, want $want: $*"
  fi
}

step "the tarball ($tarball)"
(cd dist && sha256sum --quiet -c SHA256SUMS) || fail "dist/SHA256SUMS"
# A run that was killed may have left /proc mounted in its root filesystem.
umount "$work/root/proc" "$work/bullseye/proc" 2>/dev/null || true
rm -rf "$work" && mkdir -p "$work"
tar -xzf "$tarball" -C "$work"
unpacked="$work/$name"
bin="$unpacked/endpoint-drift"
(cd "$unpacked" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS inside the tarball"
want_files="LICENSE
README
SHA256SUMS
THIRD-PARTY-NOTICES
completions/endpoint-drift.bash
completions/endpoint-drift.fish
completions/endpoint-drift.zsh
endpoint-drift
man/man1/endpoint-drift.1"
files=$(tar -tzf "$tarball" | sed -n "s|^$name/||p" | grep -v -e '/$' -e '^$' | LC_ALL=C sort)
[ "$files" = "$(printf '%s\n' "$want_files" | LC_ALL=C sort)" ] || fail "tarball contents: $files"

step "ldd lists only glibc and the loader"
ldd "$bin" | tee "$work/ldd"
# libutil too: linked against glibc 2.31, where it is still a library of its own (2.34 merged it into
# libc and keeps an empty libutil.so.1); glibc ships it everywhere.
allowed='^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libutil\.so\.1|/lib64/ld-linux-x86-64\.so\.2|/lib/ld-linux-aarch64\.so\.1)$'
unexpected=$(awk '{print $1}' "$work/ldd" | grep -v -E "$allowed" || true)
[ -z "$unexpected" ] || fail "linked dynamically: $unexpected"
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
echo "NEEDED: $needed"
if readelf -d "$bin" | grep -E 'RPATH|RUNPATH' > /dev/null; then fail "RPATH or RUNPATH in the binary"; fi
if readelf -S "$bin" | grep -E '\.symtab|\.debug_' > /dev/null; then fail "not stripped"; fi
glibc=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
echo "needs glibc $glibc or later (symbol versions)"
# The promise (README, packaging/README.txt): glibc 2.31 or later.
[ "$(printf '%s\n2.31\n' "$glibc" | sort -V | tail -1)" = 2.31 ] || fail "the binary needs glibc $glibc, more than 2.31"
grep -q "glibc 2.31 or later" README.md || fail "README.md does not say the binary needs glibc 2.31 or later"
grep -q "glibc 2.31 or later" packaging/README.txt || fail "packaging/README.txt does not say glibc 2.31 or later"
echo "size: $(stat -c %s "$bin") bytes stripped, tarball $(stat -c %s "$tarball") bytes"

step "--version, version -o json"
expect_exit 0 "$bin" --version
grep -q -E "^endpoint-drift $version \(commit [0-9a-f]{12}(-dirty)?, libgit2 1\.[0-9]+\.[0-9]+\)$" "$work/out" \
  || fail "--version: $(cat "$work/out")"
expect_exit 0 "$bin" version -o json
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert set(v)=={"version","commit","libgit2"} and v["version"]==sys.argv[2], v' \
  "$work/out" "$version" || fail "version -o json"

step "completion scripts and the man page"
bash -n "$unpacked/completions/endpoint-drift.bash" || fail "bash -n"
for shell in zsh fish; do
  if command -v "$shell" > /dev/null; then "$shell" -n "$unpacked/completions/endpoint-drift.$shell" || fail "$shell -n"; echo "$shell -n: ok"
  else echo "$shell not installed: not checked"; fi
done
# The completion works: bash completes a subcommand and a flag (complete -F passes the command,
# the word and the previous word).
complete_bash() {  # $1: the command line typed so far
  local line=$1 cur=${1##* } before=${1% *}
  bash --noprofile --norc -c "source '$unpacked/completions/endpoint-drift.bash'
    COMP_WORDS=($line); COMP_CWORD=\$(( \${#COMP_WORDS[@]} - 1 )); COMP_LINE='$line'; COMP_POINT=${#line}
    _endpoint-drift endpoint-drift '$cur' '${before##* }' > /dev/null 2>&1; printf '%s\n' \"\${COMPREPLY[@]}\"" || true
}
complete_bash "endpoint-drift ch" | grep -x check > /dev/null || fail "bash completion of 'endpoint-drift ch'"
complete_bash "endpoint-drift check --fail-o" | grep -x -- --fail-on > /dev/null || fail "bash completion of 'check --fail-o'"
echo "bash completes 'endpoint-drift ch' and 'check --fail-o'"
man="$unpacked/man/man1/endpoint-drift.1"
sed -n 1p "$man" | grep '^\.TH "ENDPOINT-DRIFT" 1' > /dev/null || fail "man page header"
for command in scan live check lint fix version completion; do
  grep -q "^\.SS endpoint-drift $command\$" "$man" || fail "man page: no section for $command"
done
# Every long option of check's --help is in the manual.
for flag in $("$bin" check --help | grep -o -E '^  (-[a-zA-Z], )?--[a-z-]+' | grep -o -E -- '--[a-z-]+'); do
  grep -q -F -- "\\-\\-${flag#--}" "$man" || grep -q -F -- "$flag" "$man" || fail "man page: no $flag"
done
if command -v groff > /dev/null; then groff -man -Tutf8 -ww -z "$man" || fail "groff"; fi

step "kubectl plugin"
ln -sf endpoint-drift "$unpacked/kubectl-endpoint_drift"
expect_exit 0 "$unpacked/kubectl-endpoint_drift" --help
grep -q "USAGE: kubectl endpoint-drift" "$work/out" || fail "plugin help: $(head -3 "$work/out")"
grep -q "  kubectl endpoint-drift check" "$work/out" || fail "plugin help examples"
expect_exit 2 "$unpacked/kubectl-endpoint_drift" chek
grep -q "See 'kubectl endpoint-drift --help'" "$work/err" || fail "plugin message: $(cat "$work/err")"
python3 scripts/krew-validate.py plugins/endpoint-drift.yaml "$tarball" || fail "krew manifest"
# The validator catches what krew rejects: a short sha256, a platform without a selector.
mkdir -p "$work/krew-bad"
sed -E 's/(sha256: [0-9a-f]{63})[0-9a-f]/\1/' plugins/endpoint-drift.yaml > "$work/krew-bad/endpoint-drift.yaml"
if python3 scripts/krew-validate.py "$work/krew-bad/endpoint-drift.yaml" "$tarball" 2> /dev/null; then fail "a 63-digit sha256 passed"; fi
sed 's/- selector:/- selectr:/' plugins/endpoint-drift.yaml > "$work/krew-bad/endpoint-drift.yaml"
if python3 scripts/krew-validate.py "$work/krew-bad/endpoint-drift.yaml" "$tarball" 2> /dev/null; then fail "no selector passed"; fi

step "glibc 2.31: Debian bullseye (the root filesystem make dist links against)"
old_root="$work/bullseye"
cp -a .build-dist/sysroot-bullseye "$old_root"
old_glibc=$(chroot "$old_root" ldd --version | sed -n '1s/.* \([0-9]*\.[0-9]*\)$/\1/p')
[ "$old_glibc" = "2.31" ] || fail "the bullseye root filesystem has glibc $old_glibc"
for library in libgit2 libyaml libswiftCore libFoundation; do
  if find "$old_root" -name "$library*" | grep . > /dev/null; then fail "$library is in the bullseye root filesystem"; fi
done
mkdir -p "$old_root/opt" "$old_root/srv/gitops"
tar -xzf "$tarball" -C "$old_root/opt"
cp -r fixtures/demo/repo/. "$old_root/srv/gitops/"
cp fixtures/demo/live.json "$old_root/srv/live.json"
git -C "$old_root/srv/gitops" init -q -b main && git -C "$old_root/srv/gitops" add -A
git -C "$old_root/srv/gitops" -c user.name=dist-check -c user.email=dist-check@example.invalid commit -q -m demo
mount -t proc proc "$old_root/proc"
trap 'umount "$old_root/proc" 2>/dev/null || true' EXIT
in_old=(chroot "$old_root" env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 "/opt/$name/endpoint-drift")
expect_exit 0 "${in_old[@]}" --version
echo "glibc $old_glibc: $(cat "$work/out")"
expect_exit 0 "${in_old[@]}" scan --repo /srv/gitops
grep -q "payments/mainframe" "$work/out" || fail "scan on glibc 2.31: $(cat "$work/out")"
expect_exit 1 "${in_old[@]}" check --repo /srv/gitops --live-file /srv/live.json
grep -q "port-drift" "$work/out" || fail "check on glibc 2.31: $(cat "$work/out")"
expect_exit "0|1" "${in_old[@]}" fix --repo /srv/gitops --live-file /srv/live.json --commit --branch fix/dist-check \
  --author 'dist-check <dist-check@example.invalid>'
git -C "$old_root/srv/gitops" rev-parse -q --verify refs/heads/fix/dist-check > /dev/null || fail "fix --commit on glibc 2.31"
echo "glibc $old_glibc: scan, check --live-file (drift found, exit 1) and fix --commit work"
umount "$old_root/proc"
trap - EXIT

step "a fresh minimal Debian root filesystem"
scripts/dist-rootfs.sh .build-dist/rootfs
root="$work/root"
cp -a .build-dist/rootfs "$root"
for library in libgit2 libyaml libswiftCore libFoundation; do
  if find "$root" -name "$library*" | grep . > /dev/null; then fail "$library is in the root filesystem"; fi
done
mkdir -p "$root/opt"
tar -xzf "$tarball" -C "$root/opt"
# /proc as every Linux system has it (the Swift runtime reads the arguments from /proc/self/cmdline).
mount -t proc proc "$root/proc"
unmount_proc() { umount "$root/proc" 2>/dev/null || true; }
trap unmount_proc EXIT
in_root=(chroot "$root" env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 "/opt/$name/endpoint-drift")
expect_exit 0 "${in_root[@]}" --version
cat "$work/out"
# A GitOps repository inside the root filesystem: the demo's manifests, committed.
repo="$root/srv/gitops"
mkdir -p "$repo"
cp -r fixtures/demo/repo/. "$repo/"
cp fixtures/demo/endpoint-drift.yaml "$repo/.endpoint-drift.yaml"
cp fixtures/demo/live.json "$root/srv/live.json"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" -c user.name=dist-check -c user.email=dist-check@example.invalid commit -q -m "demo manifests"
expect_exit 0 "${in_root[@]}" scan --repo /srv/gitops
grep -q "payments/mainframe" "$work/out" || fail "scan: $(cat "$work/out")"
expect_exit 1 "${in_root[@]}" check --repo /srv/gitops --live-file /srv/live.json
grep -q "port-drift" "$work/out" || fail "check --live-file: $(cat "$work/out")"
echo "check --live-file: drift found (exit 1), as the demo has"
# 1: drift remains that fix cannot edit (the demo's Service that is missing live).
expect_exit "0|1" "${in_root[@]}" fix --repo /srv/gitops --live-file /srv/live.json --commit --branch fix/dist-check \
  --author 'dist-check <dist-check@example.invalid>'
git -C "$repo" rev-parse -q --verify refs/heads/fix/dist-check > /dev/null || fail "fix --commit made no branch"
[ "$(git -C "$repo" rev-parse HEAD)" = "$(git -C "$repo" rev-parse main)" ] || fail "fix --commit moved HEAD"
git -C "$repo" diff --quiet main fix/dist-check -- payments/mainframe.yaml && fail "the fix commit changes nothing"
echo "fix --commit: branch fix/dist-check, $(git -C "$repo" diff --shortstat main fix/dist-check)"

step "HTTPS against the test API server, from the root filesystem"
bench=${DIST_CHECK_BENCH:-.build/debug/endpoint-drift-bench}
if [ ! -x "$bench" ]; then ${SWIFT:-swift} build --product endpoint-drift-bench; fi
coproc server { exec "$bench" serve-snapshot --live-file fixtures/demo/live.json; }
server_pid=$server_PID
# Closing its stdin stops it; the trap makes sure of that on any exit.
trap 'exec {server[1]}>&- 2>/dev/null || true; kill "$server_pid" 2>/dev/null || true; unmount_proc' EXIT
read -r -t 60 ready port ca <&"${server[0]}" || fail "the test API server did not start"
[ "$ready" = ready ] || fail "the test API server said: $ready"
kubeconfig() {  # $1: extra cluster fields
  cat <<YAML
apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster:
      server: https://127.0.0.1:$port
$1
contexts:
  - name: test
    context: {cluster: test, user: test}
current-context: test
users:
  - name: test
    user: {}  # anonymous: the test server, like kube-apiserver, refuses a token it does not know
YAML
}
kubeconfig "      certificate-authority-data: $(base64 -w0 "$ca")" > "$root/srv/kubeconfig-ca-data"
kubeconfig "" > "$root/srv/kubeconfig-system-ca"
expect_exit 2 "${in_root[@]}" check --repo /srv/gitops --kubeconfig /srv/kubeconfig-system-ca
echo "untrusted server: refused (exit 2): $(grep -i -m1 -E 'certificate|tls|ssl' "$work/err" || head -1 "$work/err")"
expect_exit 1 "${in_root[@]}" check --repo /srv/gitops --kubeconfig /srv/kubeconfig-ca-data
grep -q "port-drift" "$work/out" || fail "check over HTTPS (certificate-authority-data): $(cat "$work/out")"
echo "certificate-authority-data: checked over HTTPS, drift found (exit 1)"
cp "$ca" "$root/usr/local/share/ca-certificates/endpoint-drift-test.crt"
chroot "$root" update-ca-certificates > /dev/null 2>&1 || fail "update-ca-certificates"
expect_exit 1 "${in_root[@]}" check --repo /srv/gitops --kubeconfig /srv/kubeconfig-system-ca
grep -q "port-drift" "$work/out" || fail "check over HTTPS (the root filesystem's CA bundle): $(cat "$work/out")"
echo "the root filesystem's CA bundle: checked over HTTPS, drift found (exit 1)"

if [ "${DIST_CHECK_IMAGE:-1}" = 1 ]; then
  step "the OCI image"
  DIST_CHECK_PORT=$port scripts/oci-run.sh "dist/$name.oci.tar" "$version"
fi
exec {server[1]}>&-
wait "$server_pid" 2>/dev/null || true
unmount_proc
trap - EXIT

step "the GitHub Action's release step, with this tarball and its checksum"
action="$work/action"
mkdir -p "$action/Sources/EndpointDriftKit" "$action/release" "$work/served/v$version" "$work/runner"
cp Sources/EndpointDriftKit/Version.swift "$action/Sources/EndpointDriftKit/"
grep -F -- "$name.tar.gz" dist/SHA256SUMS > "$action/release/SHA256SUMS"
ln -sf "$(realpath "$tarball")" "$work/served/v$version/"
release_step=$(python3 -c 'import sys, yaml
steps = yaml.safe_load(open("action.yml"))["runs"]["steps"]
print(next(s for s in steps if s.get("id") == "release")["run"])')
: > "$work/github-path"
env -i PATH=/usr/bin:/bin GITHUB_ACTION_PATH="$action" GITHUB_PATH="$work/github-path" RUNNER_TEMP="$work/runner" \
  ENDPOINT_DRIFT_RELEASE_URL="file://$(realpath "$work/served")" \
  timeout 120 bash --noprofile --norc -eo pipefail -c "$release_step" || fail "the action's release step"
"$(cat "$work/github-path")/endpoint-drift" --version | grep "^endpoint-drift $version " > /dev/null || fail "the action's binary"
echo "the action installed $(cat "$work/github-path")/endpoint-drift"

step "the README's Install section"
DIST_VERSION=$version scripts/readme-install-check.sh

step "all passed"

#!/usr/bin/env bash
# The README's Install section, followed word for word: its sh blocks (release tarball, container
# image, kubectl plugin) are taken from README.md and run in one bash, in an empty folder, against
# what `make dist` built. Stand-ins, printed as they are made: a local HTTP server for the release
# URL (serving dist/ as v<version>/), a temporary folder for /usr/local/bin, no sudo (we are root),
# and, as krew is not packaged for Debian, a `kubectl` that does what `kubectl krew install
# --manifest --archive` does (scripts/krew-validate.py's checks, then the bin linked as
# kubectl-endpoint_drift) and runs plugins as kubectl does. `podman load` is podman's; `podman run`
# too, unless podman itself fails to start the container (exit 125-127: where it may not set its
# rlimits or cgroups, as in some sandboxes), then the image podman loaded runs with
# scripts/oci-exec.sh (runc or crun). The from-source block is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${DIST_VERSION:?}
work=$(realpath -m .build-dist/check/readme)
rm -rf "$work" && mkdir -p "$work/served/v$version" "$work/bin" "$work/krew/bin" "$work/run"
fail() { printf 'readme-install-check: FAIL: %s\n' "$*" >&2; exit 1; }

section=$(sed -n '/^## Install$/,/^## Quick start$/p' README.md)
[ -n "$section" ] || fail "no Install section before Quick start in README.md"
[ "$(grep -n '^## ' README.md | head -1 | cut -d: -f2)" = "## Install" ] || fail "Install is not the first section"
block() {  # the first sh block after the line starting with $1
  printf '%s\n' "$section" | awk -v start="$1" 'index($0, start) == 1 { found = 1 }
    found && /^```sh$/ { inside = 1; next } inside && /^```$/ { exit } inside { print }'
}
script=""
for heading in "**Release tarball**" "**Container image**" "**kubectl plugin**"; do
  commands=$(block "$heading")
  [ -n "$commands" ] || fail "no sh block after $heading"
  script+="$commands"$'\n'
done
grep -q "^version=$version " <<< "$script" || fail "the README installs another version than $version"

for file in dist/*.tar.gz dist/*.oci.tar dist/SHA256SUMS dist/endpoint-drift.yaml; do
  [ -e "$file" ] && ln -s "$(realpath "$file")" "$work/served/v$version/"
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/served" "$port" > "$work/http.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; podman rmi "localhost/endpoint-drift:$version" > /dev/null 2>&1 || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" > /dev/null && break; sleep 0.2; done

release_url="https://github.com/example-org/endpoint-drift/releases/download"
grep -q -F "base=$release_url" <<< "$script" || fail "the release URL in the README changed"
script=${script//"$release_url"/"http://127.0.0.1:$port"}
script=${script//"sudo install"/install}
script=${script//"/usr/local/bin"/"$work/bin"}
cat > "$work/bin/kubectl" <<KUBECTL
#!/usr/bin/env bash
# Stand-in for kubectl with krew (see readme-install-check.sh).
set -euo pipefail
if [ "\$1 \$2" = "krew install" ]; then
  manifest=\${3#--manifest=}; archive=\${4#--archive=}
  python3 "$PWD/scripts/krew-validate.py" "\$manifest" "\$archive"
  mkdir -p "$work/krew/store"; tar -xzf "\$archive" -C "$work/krew/store"
  bin=\$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["spec"]["platforms"][0]["files"][0]["from"])' "\$manifest")
  ln -sf "$work/krew/store/\$bin" "$work/krew/bin/kubectl-endpoint_drift"
  echo "Installed plugin: endpoint-drift"
  exit 0
fi
plugin="kubectl-\${1//-/_}"; shift
exec "\$plugin" "\$@"
KUBECTL
chmod +x "$work/bin/kubectl"
real_podman=$(command -v podman || true)
[ -n "$real_podman" ] || fail "podman is not installed (make dist-check installs it: DIST_CHECK_PACKAGES)"
cat > "$work/bin/podman" <<PODMAN
#!/usr/bin/env bash
# Stand-in for podman (see readme-install-check.sh).
set -uo pipefail
if [ "\$1" != run ]; then exec "$real_podman" "\$@"; fi
if [ -n "$real_podman" ]; then
  "$real_podman" "\$@"; status=\$?
  if [ \$status -lt 125 ] || [ \$status -gt 127 ]; then exit \$status; fi
  echo "podman run could not start the container here (exit \$status): the image podman loaded runs with oci-exec.sh" >&2
fi
shift
volumes=()
while [ \$# -gt 0 ]; do
  case "\$1" in
    --rm) shift ;;
    -v) volumes+=(-v "\$2"); shift 2 ;;
    *) break ;;
  esac
done
image=\$1; shift
exec "$PWD/scripts/oci-exec.sh" "containers-storage:localhost/\$image" "$work/podman-bundle" "\${volumes[@]}" -- "\$@"
PODMAN
chmod +x "$work/bin/podman"
printf '%s\n' "$script" > "$work/install.sh"
echo "readme-install-check: running the README's Install commands (stand-ins: release URL http://127.0.0.1:$port, /usr/local/bin -> $work/bin, no sudo, kubectl krew stand-in):"
sed 's/^/  | /' "$work/install.sh"
# A repository to lint in the container block ($PWD:/repo), owned by the image's user: the demo's
# manifests without the one that has lint errors on purpose (the block runs under `set -e`).
git -C "$work/run" init -q && cp -r fixtures/demo/repo/. "$work/run/" && rm "$work/run/storage/ceph-rgw.yaml"
git -C "$work/run" add -A && git -C "$work/run" -c user.name=t -c user.email=t@example.invalid commit -q -m demo
chown -R 65532:65532 "$work/run"
(cd "$work/run" && PATH="$work/bin:$work/krew/bin:$PATH" timeout 600 bash -euo pipefail "$work/install.sh") \
  > "$work/out" 2>&1 || { cat "$work/out" >&2; fail "the README's Install commands failed"; }
cat "$work/out"
grep -q "^endpoint-drift $version (commit" "$work/out" || fail "endpoint-drift --version after the tarball install"
grep -q "USAGE: kubectl endpoint-drift" "$work/out" || fail "kubectl endpoint-drift --help after the krew install"
echo "readme-install-check: the Install section works as written"

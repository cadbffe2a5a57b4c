#!/usr/bin/env bash
# Runs an OCI image with a real OCI runtime, as `podman run --rm --network host` would:
#   oci-exec.sh IMAGE BUNDLE [-v SOURCE:DEST[:ro]]... -- ARGUMENTS...
# IMAGE is what skopeo reads (oci-archive:FILE, containers-storage:NAME:TAG, oci:DIR:TAG); BUNDLE a
# folder for the unpacked image (reused when it is there). The runtime configuration is umoci's,
# made from the image's (user, working folder, entrypoint, env): ARGUMENTS replace the image's
# command, the mounts are bind mounts, the network is the host's. The runtime is runc, else crun,
# else podman (the first installed; else runc is installed with apt-get; none is a failure, not a
# skip); OCI_RUNTIME names one. Prints "OCI runtime: …" on stderr once per bundle. Exits with the
# container's exit code. Needs root.
set -euo pipefail
image=${1:?usage: oci-exec.sh IMAGE BUNDLE [-v SOURCE:DEST[:ro]]... -- ARGUMENTS...}
bundle=$(realpath -m "${2:?}")
shift 2
mounts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    -v) mounts+=("$2"); shift 2 ;;
    *) echo "oci-exec: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "${1:-}" = "--" ] && shift

runtime=${OCI_RUNTIME:-}
if [ -z "$runtime" ]; then
  for candidate in runc crun podman; do
    if command -v "$candidate" > /dev/null; then runtime=$candidate; break; fi
  done
fi
if [ -z "$runtime" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends runc > /dev/null 2>&1 || true
  command -v runc > /dev/null && runtime=runc
fi
if [ -z "$runtime" ]; then echo "oci-exec: no OCI runtime (runc, crun or podman) is installed or installable" >&2; exit 125; fi

if [ ! -f "$bundle/config.json.image" ]; then
  rm -rf "$bundle" && mkdir -p "$bundle"
  skopeo copy --quiet "$image" "oci:$bundle/layout:run"
  umoci unpack --image "$bundle/layout:run" "$bundle/unpacked" > /dev/null
  mv "$bundle/unpacked/config.json" "$bundle/config.json.image"
  echo "OCI runtime: $runtime ($("$runtime" --version | head -1))" >&2
fi
python3 - "$bundle" "${#mounts[@]}" "${mounts[@]}" "$@" <<'PY'
import json, os, sys
bundle, count = sys.argv[1], int(sys.argv[2])
mounts, args = sys.argv[3:3 + count], sys.argv[3 + count:]
with open(os.path.join(bundle, "config.json.image")) as f:
    config = json.load(f)
config["root"] = {"path": os.path.join(bundle, "unpacked", "rootfs"), "readonly": True}
process = config["process"]
# umoci puts the image's entrypoint and command in args: the entrypoint stays, the command goes.
process["args"] = process["args"][:1] + args if args else process["args"]
process["terminal"] = False
linux = config["linux"]
linux["namespaces"] = [n for n in linux["namespaces"] if n["type"] not in ("network", "user", "cgroup")]
for key in ("uidMappings", "gidMappings"):
    linux.pop(key, None)
for spec in mounts:
    parts = spec.split(":")
    options = ["rbind", "ro" if len(parts) > 2 and parts[2] == "ro" else "rw"]
    config["mounts"].append(
        {"destination": parts[1], "type": "bind", "source": os.path.realpath(parts[0]), "options": options})
with open(os.path.join(bundle, "unpacked", "config.json"), "w") as f:
    json.dump(config, f)
PY
id="oci-exec-$$"
status=0
case "$runtime" in
  runc)
    runc run --bundle "$bundle/unpacked" "$id" < /dev/null || status=$?
    runc delete --force "$id" > /dev/null 2>&1 || true
    ;;
  crun)
    # crun refuses a host with cgroup v1 plus a cgroup2 hierarchy that has controllers ("hybrid"):
    # it runs in a mount namespace of its own without that hierarchy.
    unshare --mount sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun run --bundle "$1" "$2"' \
      crun "$bundle/unpacked" "$id" < /dev/null || status=$?
    crun delete --force "$id" > /dev/null 2>&1 || true
    ;;
  podman)
    volumes=()
    for spec in "${mounts[@]}"; do volumes+=(-v "$spec"); done
    podman run --rm --network host "${volumes[@]}" "$image" "$@" < /dev/null || status=$?
    ;;
esac
exit "$status"

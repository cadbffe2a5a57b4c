#!/usr/bin/env python3
"""Benchmark for `endpoint-drift fix`: generates a GitOps repository with many external services
(Endpoints and EndpointSlices, YAML and JSON, one very large Endpoints object), a live state where
a share of them drifted, and times the fix with several outputs. Prints figures; asserts nothing.

usage: scripts/fix_bench.py [--services N] [--drift PERCENT] [--big ADDRESSES] [--binary PATH]
Data goes to bench-data/fix (git-ignored).
"""
import argparse, json, os, random, shutil, subprocess, time

parser = argparse.ArgumentParser()
parser.add_argument("--services", type=int, default=2000)
parser.add_argument("--drift", type=float, default=20.0)
parser.add_argument("--big", type=int, default=5000)
parser.add_argument("--binary", default=".build/release/endpoint-drift")
args = parser.parse_args()
rng = random.Random(42)
root = os.path.abspath("bench-data/fix")
repo = os.path.join(root, "repo")
shutil.rmtree(root, ignore_errors=True)
os.makedirs(repo)

def ip(i):
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255 or 1}"

live_items = []
counter = 1
for n in range(args.services):
    ns, name = f"team-{n % 40}", f"svc-{n}"
    addresses = []
    for _ in range(rng.randint(2, 6)):
        addresses.append(ip(counter)); counter += 1
    live = list(addresses)
    if rng.random() * 100 < args.drift:
        if len(live) > 1: live.pop(rng.randrange(len(live)))
        live.append(ip(counter)); counter += 1
    folder = os.path.join(repo, "clusters", "prod", ns)
    os.makedirs(folder, exist_ok=True)
    if n % 3 == 0:
        doc = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
               "metadata": {"name": name, "namespace": ns, "labels": {"kubernetes.io/service-name": name}},
               "addressType": "IPv4", "ports": [{"name": "http", "port": 80}],
               "endpoints": [{"addresses": [a]} for a in addresses]}
        with open(os.path.join(folder, name + ".json"), "w") as f: json.dump(doc, f, indent=2)
        live_doc = dict(doc, endpoints=[{"addresses": [a]} for a in live])
    else:
        lines = ["# external service " + name, "apiVersion: v1", "kind: Endpoints", "metadata:",
                 f"  name: {name}", f"  namespace: {ns}", "subsets:", "  - addresses:"]
        for a in addresses: lines += [f"      # host {a}", f"      - ip: {a}"]
        lines += ["    ports:", "      - name: http", "        port: 80"]
        with open(os.path.join(folder, name + ".yaml"), "w") as f: f.write("\n".join(lines) + "\n")
        live_doc = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": ns},
                    "subsets": [{"addresses": [{"ip": a} for a in live], "ports": [{"name": "http", "port": 80}]}]}
    live_items.append(live_doc)

# One very large Endpoints object; a tenth of its addresses replaced live.
big = [ip(counter + i) for i in range(args.big)]; counter += args.big
big_live = [a for i, a in enumerate(big) if i % 10 != 0] + [ip(counter + i) for i in range(args.big // 10)]
with open(os.path.join(repo, "clusters", "prod", "big.yaml"), "w") as f:
    f.write("apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: big\n  namespace: bulk\nsubsets:\n  - addresses:\n")
    for a in big: f.write(f"      - ip: {a}\n")
    f.write("    ports:\n      - port: 443\n")
live_items.append({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "big", "namespace": "bulk"},
                   "subsets": [{"addresses": [{"ip": a} for a in big_live], "ports": [{"port": 443}]}]})
live_path = os.path.join(root, "live.json")
with open(live_path, "w") as f: json.dump({"apiVersion": "v1", "kind": "List", "items": live_items}, f)

git = lambda *a: subprocess.run(["git", "-C", repo, *a], check=True, capture_output=True)
git("init", "-q", "-b", "main"); git("config", "user.name", "Bench"); git("config", "user.email", "bench@example.com")
git("add", "-A"); git("commit", "-qm", "bench")
binary = os.path.abspath(args.binary)

def timed(label, extra):
    start = time.perf_counter()
    result = subprocess.run([binary, "fix", "--repo", repo, "--live-file", live_path, "-o", "json", *extra],
                            capture_output=True)
    elapsed = time.perf_counter() - start
    report = json.loads(result.stdout or b"{}")
    fixed = sum(1 for s in report.get("services", []) if s["status"] == "fixed")
    print(f"{label:<28} {elapsed:7.2f} s  exit {result.returncode}  services {len(report.get('services', []))}"
          f" fixed {fixed}  files {len(report.get('files', []))}  edits {len(report.get('edits', []))}")

print(f"{args.services} services + 1 with {args.big} addresses; {args.drift}% drifted; binary {args.binary}")
timed("dry run", [])
timed("--patch", ["--patch", os.path.join(root, "fix.patch")])
timed("--commit --format-patch", ["--commit", "--format-patch", os.path.join(root, "fix.mbox")])
timed("--write (second branch run)", ["--write"])
check = subprocess.run(["git", "-C", repo, "fsck", "--strict"], capture_output=True)
print("git fsck --strict:", "ok" if check.returncode == 0 else check.stderr.decode())

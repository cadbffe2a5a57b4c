#!/usr/bin/env python3
"""The Dockerfile's runtime stage and the OCI image `make dist` builds (scripts/oci-image.sh) agree
where they can be compared: base, installed packages, the user and how it is made, the working
folder, the binary's path, entrypoint and command. Usage: image-matches-dockerfile.py DOCKERFILE
IMAGE-CONFIG.json (the image configuration, from `skopeo inspect --config`)."""
import json
import os
import re
import shlex
import sys

here = os.path.dirname(os.path.abspath(__file__))
problems = []


def expect(what, dockerfile, image):
    if dockerfile != image:
        problems.append("%s: Dockerfile %r, image %r" % (what, dockerfile, image))
    else:
        print("image = Dockerfile: %s %s" % (what, json.dumps(image)))


def instructions(text):
    """(INSTRUCTION, argument) pairs with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("#")))
    for line in joined.split("\n"):
        line = line.strip()
        if line:
            word, _, rest = line.partition(" ")
            yield word.upper(), " ".join(rest.split())


with open(sys.argv[1]) as f:
    steps = list(instructions(f.read()))
with open(sys.argv[2]) as f:
    image = json.load(f)
config = image.get("config") or {}
stage_starts = [i for i, (word, _) in enumerate(steps) if word == "FROM"]
runtime = steps[stage_starts[-1]:]
values = {}
for word, argument in runtime:
    values.setdefault(word, []).append(argument)

expect("base", values["FROM"][0].split()[0], (config.get("Labels") or {}).get("org.opencontainers.image.base.name"))
expect("user", values["USER"][-1], config.get("User"))
expect("working folder", values["WORKDIR"][-1], config.get("WorkingDir"))
expect("entrypoint", json.loads(values["ENTRYPOINT"][-1]), config.get("Entrypoint"))
expect("command", json.loads(values["CMD"][-1]), config.get("Cmd"))
copy = values["COPY"][-1].split()
expect("binary", copy[-1], config.get("Entrypoint", [None])[0])

runs = " && ".join(values["RUN"])
installed = set()
for command in runs.split("&&"):
    words = shlex.split(command)
    if "install" in words and "apt-get" in words:
        installed |= {w for w in words[words.index("install") + 1:] if not w.startswith("-")}
with open(os.path.join(here, "dist-rootfs.sh")) as f:
    include = re.search(r"--include=(\S+)", f.read()).group(1)
expect("packages on the base", sorted(installed), sorted(include.split(",")))

with open(os.path.join(here, "oci-image.sh")) as f:
    builder = f.read()
for tool in ("groupadd", "useradd"):
    in_dockerfile = re.search(r"\b%s ([^&]*)" % tool, runs).group(1).strip()
    in_builder = re.search(r'chroot "\$root" %s (.*)' % tool, builder).group(1).strip()
    expect(tool, in_dockerfile, in_builder)
env = dict(e.split("=", 1) for e in config.get("Env") or [])
expect("PATH (Docker's default)", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", env.get("PATH"))

if problems:
    print("the image and the Dockerfile differ:\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)

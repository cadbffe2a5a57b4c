#!/usr/bin/env python3
"""Checks a krew plugin manifest as krew does before installing it, and installs it from the local
archive the way krew would. Usage: krew-validate.py MANIFEST ARCHIVE.

The structural rules are those of krew's internal/index/validation (ValidatePlugin, validatePlatform,
validateFiles, validateSelector); the installation part follows its file operations: unpack the
archive, move each `files` entry's `from` glob to `to`, then `bin` must be an executable file in the
result. The archive's sha256 must be the one the manifest names for this machine's platform."""
import fnmatch
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

import yaml

API_VERSION = "krew.googlecontainertools.github.com/v1alpha2"
SAFE_NAME = re.compile(r"^[\w-]+$")
SHA256 = re.compile(r"^[a-f0-9]{64}$")
# krew parses versions with its semver package: a leading v, then semantic versioning 2.0.
SEMVER = re.compile(r"^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
WINDOWS_FORBIDDEN = {"CON", "PRN", "AUX", "NUL"} | {"COM%d" % i for i in range(1, 10)} | {"LPT%d" % i for i in range(1, 10)}


def fail(message):
    print("krew manifest: " + message, file=sys.stderr)
    sys.exit(1)


def validate_selector(selector):
    if selector is None:
        fail("nil selector is not supported")
    labels = selector.get("matchLabels")
    expressions = selector.get("matchExpressions")
    if labels is None and not expressions:
        fail("empty selector is not supported")
    keys = list(labels or {}) + [e.get("key") for e in expressions or []]
    for key in keys:
        if key not in ("os", "arch"):
            fail("selector key %r not supported" % key)
    if labels is not None and len(labels) == 0:
        fail("`matchLabels` specified but empty")
    if expressions is not None and len(expressions) == 0:
        fail("`matchExpressions` specified but empty")


def validate(manifest, name):
    if manifest.get("apiVersion") != API_VERSION:
        fail("apiVersion %r, want %r" % (manifest.get("apiVersion"), API_VERSION))
    if manifest.get("kind") != "Plugin":
        fail("kind %r, want Plugin" % manifest.get("kind"))
    if not SAFE_NAME.match(name) or name.upper() in WINDOWS_FORBIDDEN:
        fail("the plugin name %r is not allowed" % name)
    if (manifest.get("metadata") or {}).get("name") != name:
        fail("plugin should be named %r (its file name)" % name)
    spec = manifest.get("spec") or {}
    short = spec.get("shortDescription") or ""
    if not short:
        fail("should have a short description")
    if "\r" in short or "\n" in short:
        fail("should not have line breaks in short description")
    platforms = spec.get("platforms") or []
    if not platforms:
        fail("should have a platform specified")
    if not spec.get("version"):
        fail("should have a version specified")
    if not SEMVER.match(spec["version"]):
        fail("failed to parse plugin version %r" % spec["version"])
    for entry in platforms:
        if not entry.get("uri"):
            fail("`uri` has to be set")
        if not entry.get("sha256"):
            fail("`sha256` sum has to be set")
        if not SHA256.match(entry["sha256"]):
            fail("`sha256` value %r is not valid" % entry["sha256"])
        if not entry.get("bin"):
            fail("`bin` has to be set")
        files = entry.get("files")
        if files is not None:
            if len(files) == 0:
                fail("`files` has to be unspecified or non-empty")
            for op in files:
                if not op.get("from"):
                    fail("`from` field has to be set")
                if not op.get("to"):
                    fail("`to` field has to be set")
        validate_selector(entry.get("selector"))
    return spec


def matches(selector, os_name, arch):
    labels = selector.get("matchLabels") or {}
    return labels.get("os", os_name) == os_name and labels.get("arch", arch) == arch


def install(entry, archive):
    """krew's file operations on the unpacked archive; returns the installed bin's path."""
    with tempfile.TemporaryDirectory() as folder:
        unpacked = os.path.join(folder, "download")
        installed = os.path.join(folder, "install")
        os.makedirs(installed)
        with tarfile.open(archive) as tar:
            try:
                tar.extractall(unpacked, filter="data")
            except TypeError:  # a Python without extraction filters (before 3.11.4)
                tar.extractall(unpacked)
        files = entry.get("files") or [{"from": "*", "to": "."}]
        for op in files:
            pattern = op["from"]
            found = []
            for base, dirs, names in os.walk(unpacked):
                for item in dirs + names:
                    relative = os.path.relpath(os.path.join(base, item), unpacked)
                    if fnmatch.fnmatchcase(relative, pattern):
                        found.append(relative)
            if not found:
                fail("files: %r matches nothing in the archive" % pattern)
            target = os.path.normpath(os.path.join(installed, op["to"]))
            if not target.startswith(installed):
                fail("files: %r leaves the installation folder" % op["to"])
            for relative in found:
                os.makedirs(target, exist_ok=True)
                shutil.move(os.path.join(unpacked, relative), os.path.join(target, os.path.basename(relative)))
        binary = os.path.normpath(os.path.join(installed, entry["bin"]))
        if not os.path.isfile(binary) or not os.access(binary, os.X_OK):
            fail("bin %r is not an executable file after the file operations" % entry["bin"])
        # krew links the bin as kubectl-<name with - as _>: run the link as kubectl would.
        link = os.path.join(folder, "kubectl-endpoint_drift")
        os.symlink(binary, link)
        help_text = subprocess.run([link, "--help"], capture_output=True, text=True, timeout=60).stdout
        if "kubectl endpoint-drift" not in help_text:
            fail("the installed plugin's help does not say `kubectl endpoint-drift`")


def main():
    path, archive = sys.argv[1], sys.argv[2]
    with open(path) as f:
        manifest = yaml.safe_load(f)
    name = os.path.splitext(os.path.basename(path))[0]
    spec = validate(manifest, name)
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    chosen = [p for p in spec["platforms"] if matches(p["selector"], "linux", arch)]
    if len(chosen) != 1:
        fail("%d platforms match linux/%s, want 1" % (len(chosen), arch))
    entry = chosen[0]
    with open(archive, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != entry["sha256"]:
        fail("sha256 %s of %s is not the manifest's %s" % (digest, archive, entry["sha256"]))
    if not entry["uri"].endswith("/" + os.path.basename(archive)):
        fail("uri %r does not name %s" % (entry["uri"], os.path.basename(archive)))
    install(entry, archive)
    print("krew manifest %s: valid (krew's rules), installs %s from %s" % (path, entry["bin"], os.path.basename(archive)))


main()

#!/usr/bin/env python3
"""endpoint-drift.1 (roff) from `endpoint-drift --experimental-dump-help` on stdin: the manual says
what --help says, as it is generated from the same definitions. Usage: manpage.py VERSION."""
import json
import sys


def roff(text):
    """Escapes text for roff: backslashes, and a leading dot or quote that would read as a request."""
    lines = []
    for line in (text or "").replace("\\", "\\e").split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    # Non-ASCII as groff's named Unicode characters, so that any troff reads the page.
    return "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in "\n".join(lines))


def synopsis_name(argument):
    names = argument.get("names") or []
    longs = [n["name"] for n in names if n["kind"] in ("long", "longWithSingleDash")]
    shorts = [n["name"] for n in names if n["kind"] == "short"]
    spelled = ["-" + s for s in shorts] + ["--" + l for l in longs]
    return ", ".join(spelled)


def arguments(command, out):
    shown = [a for a in command.get("arguments") or [] if a.get("shouldDisplay", True)]
    if not shown:
        return
    out.append(".SH OPTIONS" if command is ROOT else ".PP\n\\fBOptions:\\fR")
    for argument in shown:
        value = argument.get("valueName")
        if argument["kind"] == "positional":
            head = "\\fI<%s>\\fR" % roff(value or "value")
        else:
            head = "\\fB%s\\fR" % roff(synopsis_name(argument))
            if argument["kind"] == "option" and value:
                head += " \\fI<%s>\\fR" % roff(value)
        out.append(".TP\n" + head)
        text = argument.get("abstract") or ""
        if argument.get("defaultValue"):
            text += " (default: %s)" % argument["defaultValue"]
        out.append(roff(text))
        if argument.get("discussion"):
            out.append(".IP\n" + roff(argument["discussion"]))


def subcommand_section(command, path, out):
    name = " ".join(path)
    out.append(".SS %s" % roff(name))
    out.append(roff(command.get("abstract") or ""))
    if command.get("discussion"):
        out.append(".PP\n.nf\n" + roff(command["discussion"]) + "\n.fi")
    arguments(command, out)
    for sub in command.get("subcommands") or []:
        if sub["commandName"] != "help":
            subcommand_section(sub, path + [sub["commandName"]], out)


version = sys.argv[1] if len(sys.argv) > 1 else ""
ROOT = json.load(sys.stdin)["command"]
name = ROOT["commandName"]
out = ['.TH "%s" 1 "" "%s %s" "User Commands"' % (name.upper(), name, version)]
out.append(".SH NAME\n%s \\- %s" % (roff(name), roff(ROOT.get("abstract") or "")))
out.append(".SH SYNOPSIS\n\\fB%s\\fR \\fI<subcommand>\\fR [\\fIoptions\\fR]" % roff(name))
out.append(".SH DESCRIPTION\n.nf\n" + roff(ROOT.get("discussion") or "") + "\n.fi")
arguments(ROOT, out)
out.append(".SH COMMANDS")
for sub in ROOT.get("subcommands") or []:
    if sub["commandName"] != "help":
        subcommand_section(sub, [name, sub["commandName"]], out)
out.append(".SH EXIT STATUS\n0 in sync or success; 1 drift or lint errors found; 2 could not check.")
sys.stdout.write("\n".join(out) + "\n")

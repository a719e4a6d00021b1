#!/usr/bin/env python3
"""Fixes keep every comment and every line they do not mean to change (issue 12's property).

The demo project, plus a module with an unused `# noqa` (SVC900), gets a distinct comment on every
line that can hold one (`# c<N>`) and a comment line before every statement (`# l<N>`, at the
statement's indentation, and at column 0 before every `def` that follows a decorator); then it is
committed and every fix is applied, safe and unsafe, staged, round after round until none is left.
After each round, independently of svcscope's own bookkeeping:
  - every comment of the project is still there, once, in the work tree and in the index;
  - every line svcscope changed in a file lies inside the range of an edit that a fix of that round
    declared (`check --format json`); everything else is still there, in order;
  - the work tree and the index agree (only the fixes were staged) and every file still parses.
Usage: fix_preserves.py SVCSCOPE DEMO_DIR WORK_DIR; exit 0 when it holds, 1 with the reasons.
"""
import ast
import collections
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tokenize

SVCSCOPE, DEMO, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
REPO = os.path.join(WORK, "preserves")
ENV = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
           GIT_COMMITTER_EMAIL="t@example.invalid", GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1")
MARK = re.compile(r"# [cl]\d+")
failures = []


def sh(*args, check=True):
    r = subprocess.run(args, cwd=REPO, env=ENV, capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"fix_preserves: {' '.join(args)} failed: {r.stderr}")
    return r


def comment(text, counter, kind):
    counter[0] += 1
    return f"# {kind}{counter[0]}"


def annotate(source, counter):
    """The source with a comment on every line that can hold one and before every statement."""
    lines = source.splitlines(keepends=True)
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    ends = set()           # 0-based rows whose end is outside a string (NEWLINE/NL, no comment yet)
    has_comment = set()
    starts = {}            # 0-based row -> indentation of a logical line starting there
    at_start = True
    decorated = set()
    for tok in tokens:
        row = tok.start[0] - 1
        if tok.type == tokenize.COMMENT:
            has_comment.add(row)
        elif tok.type in (tokenize.NEWLINE, tokenize.NL):
            ends.add(row)
            if tok.type == tokenize.NEWLINE:
                at_start = True
        elif tok.type in (tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER):
            pass
        else:
            if at_start:
                starts[row] = tok.start[1]
                if tok.string == "def" or tok.string == "class" or tok.string == "async":
                    if row > 0 and lines[row - 1].lstrip().startswith("@"):
                        decorated.add(row)
            at_start = False
    out = []
    for row, line in enumerate(lines):
        if row in starts:
            indent = "" if row in decorated else " " * starts[row]
            out.append(f"{indent}{comment(None, counter, 'l')}\n")
        body = line.rstrip("\r\n")
        eol = line[len(body):]
        if row in ends and row not in has_comment and body.strip() and not body.rstrip().endswith("\\"):
            body = f"{body}  {comment(None, counter, 'c')}"
        out.append(body + eol)
    return "".join(out)


def python_files(root):
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for f in files:
            if f.endswith(".py"):
                yield os.path.relpath(os.path.join(dirpath, f), root)


def marks_of(text):
    return collections.Counter(MARK.findall(text))


def worktree():
    files = {}
    for path in python_files(REPO):
        with open(os.path.join(REPO, path), encoding="utf-8") as f:
            files[path] = f.read()
    return files


def index():
    files = {}
    for path in sh("git", "ls-files", "-z").stdout.split("\0"):
        if path.endswith(".py"):
            files[path] = sh("git", "show", f":{path}").stdout
    return files


def all_marks(files):
    total = collections.Counter()
    for text in files.values():
        total += marks_of(text)
    return total


def declared_ranges(findings):
    """path -> [(first row, last row)] of every edit a fix declares; moves: old path -> new path."""
    ranges, moves = collections.defaultdict(list), {}
    for d in findings:
        fix = d.get("fix")
        if not fix:
            continue
        for e in fix["edits"]:
            ranges[e["filename"]].append((e["location"]["row"], e["end_location"]["row"]))
        for op in fix.get("operations", []):
            if op["kind"] == "move":
                moves[op["filename"]] = op["to"]
    return ranges, moves


def check_lines(path, before, after, ranges):
    old, new = before.splitlines(), after.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag not in ("delete", "replace"):
            continue
        for row in range(i1 + 1, i2 + 1):
            if not any(a <= row <= b for a, b in ranges):
                failures.append(f"{path}:{row}: a line no fix declared was changed: {old[row - 1]!r}")


def main():
    shutil.copytree(DEMO, REPO, ignore=shutil.ignore_patterns("__pycache__"))
    # The copy is a work tree to edit, even from a read-only source tree (make distcheck's).
    for folder, _, files in os.walk(REPO):
        for name in [folder] + [os.path.join(folder, f) for f in files]:
            os.chmod(name, os.stat(name).st_mode | 0o200)
    with open(os.path.join(REPO, "orders", "legacy.py"), "w") as f:
        f.write("import os  # noqa: SVC201, F401\n\n\ndef where():\n    return os.sep  # noqa: SVC4\n")
    counter = [0]
    for path in python_files(REPO):
        full = os.path.join(REPO, path)
        with open(full, encoding="utf-8") as f:
            text = f.read()
        with open(full, "w", encoding="utf-8") as f:
            f.write(annotate(text, counter))
    sh("git", "-c", "init.defaultBranch=main", "init", "-q")
    sh("git", "add", "-A")
    sh("git", "commit", "-q", "-m", "annotated")
    original = all_marks(worktree())
    if sum(original.values()) < 300:
        sys.exit(f"fix_preserves: only {sum(original.values())} comments were added")

    applied_total, codes = 0, set()
    for round_no in range(1, 6):
        findings = json.loads(sh(SVCSCOPE, "check", "--format", "json", ".",
                                 check=False).stdout)
        fixable = [d for d in findings if d.get("fix")]
        if not fixable:
            break
        ranges, moves = declared_ranges(fixable)
        before = worktree()
        r = sh(SVCSCOPE, "fix", "--unsafe", "--stage", ".", check=False)
        m = re.search(r"Fixed (\d+) violation", r.stdout)
        if r.returncode not in (0, 1) or not m:
            failures.append(f"round {round_no}: fix exited {r.returncode}: {r.stdout}{r.stderr}")
            break
        applied = int(m.group(1))
        if applied == 0:
            break
        applied_total += applied
        codes |= {d["code"] for d in fixable}
        after, staged = worktree(), index()
        for path, text in before.items():
            dest = moves.get(path, path)
            if dest not in after:
                failures.append(f"round {round_no}: {path} is gone (no fix moves it)")
                continue
            check_lines(path, text, after[dest], ranges.get(path, []))
        for label, files in (("work tree", after), ("index", staged)):
            now = all_marks(files)
            lost = original - now
            doubled = {k: v for k, v in now.items() if v > 1}
            if lost:
                failures.append(f"round {round_no}: {len(lost)} comments lost in the {label}: "
                                f"{', '.join(sorted(lost)[:8])}")
            if doubled:
                failures.append(f"round {round_no}: comments doubled in the {label}: {sorted(doubled)[:8]}")
        for path, text in after.items():
            if staged.get(path) != text:
                failures.append(f"round {round_no}: {path}: the index differs from the work tree")
            try:
                ast.parse(text)
            except SyntaxError as e:
                failures.append(f"round {round_no}: {path} does not parse after the fixes: {e}")
    wanted = {"SVC101", "SVC103", "SVC104", "SVC201", "SVC202", "SVC301", "SVC302", "SVC303", "SVC404",
              "SVC405", "SVC900"}
    if applied_total < 10 or not wanted <= codes:
        failures.append(f"too few fixes were tried: {applied_total} applied, codes {sorted(codes)}, "
                        f"missing {sorted(wanted - codes)}")
    for f in failures:
        print(f"FAIL fix_preserves: {f}", file=sys.stderr)
    print(f"fix_preserves: {sum(original.values())} comments, {applied_total} fixes of {len(codes)} rules applied")
    return 1 if failures else 0


sys.exit(main())

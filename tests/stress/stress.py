#!/usr/bin/env python3
"""Randomized trials of `svcscope fix` on real git repositories (issue 12: fixes never lose,
expose or strand a user's work).

Each trial is built from a seed: a copy of examples/demo plus a few generated modules whose
findings have fixes, committed, then put in random states (staged and unstaged edits, CRLF and
tab-indented files, untracked and intent-to-add files, skip-worktree / assume-unchanged entries
with local edits, read-only files, a deleted file, an unparsable file). Then a random sequence of
`svcscope fix` runs (--stage, --unsafe, --select, --undo) and user edits. After every step the
oracle below checks the repository with git and python only; it never asks svcscope.

  1 no user edit lost: every marker line the trial wrote is still in the work tree, every staged
    marker is still staged; files keep their mode; no temp file is left behind
  2 no user hunk staged: no unstaged marker becomes staged; the lines `fix --stage` adds to or
    removes from the index are lines it added to or removed from the work tree; without
    --stage the index does not change at all
  3 every Python file (and staged blob) that svcscope changed still parses, if it parsed before
  4 index flags (skip-worktree, assume-unchanged, intent-to-add) do not change
  5 `git fsck` is clean
  6 exit status 0, 1 or 2, never a signal; exit 2 and every "svcscope:" message say why
  7 `fix --undo` puts back the work tree bytes and modes and the index entries and flags the last
    batch changed, exactly, and leaves the rest alone (or refuses saying why)

User edits are distinctive marker lines (`# stress-marker-N` comments, `stress_marker_N = N`
assignments) put between statements, where no fix edits, so a missing marker is always a loss.

Modes: trials (default), --kill (SIGKILL during a large `fix --stage`, then `fix --undo` must
restore everything) and --append (a second process appends lines while `fix` runs; none may be
lost). A failing trial prints its seed, its steps and a repro command, is shrunk by dropping
steps, setup operations and files while it still fails, and with --results DIR is written there
as a plan (for --replay) and a shell script.
"""

import argparse
import ast
import base64
import collections
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

FIX_CODES = ["SVC101", "SVC103", "SVC104", "SVC201", "SVC202", "SVC301", "SVC302", "SVC303",
             "SVC403", "SVC404", "SVC405"]
MARKER_RE = re.compile(rb"stress[-_]marker[-_](\d+)")
TEMP_RE = re.compile(r"\.svcscope-")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "stress", "GIT_AUTHOR_EMAIL": "stress@example.invalid",
    "GIT_COMMITTER_NAME": "stress", "GIT_COMMITTER_EMAIL": "stress@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1",
}
# How many batches `fix --undo` can take back (src/core/undo_log.h SVC_UNDO_HISTORY).
UNDO_HISTORY = 50
# Index entry flag bits (git's read-cache.c): assume-unchanged, intent-to-add, skip-worktree.
FLAG_BITS = 0x8000 | 0x20000000 | 0x40000000
# Known defects that --tolerate can let pass, so that a run still finds the others.
KNOWN = {
    "fixed-entry-flags": "fix --stage drops skip-worktree / assume-unchanged from the entries it "
                         "stages a fix into (invariant 4), and fix --undo does not put them "
                         "back (invariant 7)",
}


class Failure(Exception):
    def __init__(self, invariant, message):
        super().__init__(f"invariant {invariant}: {message}")
        self.invariant = invariant


# ---- generated modules -------------------------------------------------------------------------

def task_module(n, public):
    """A tasks-service module: a private task without a delay_ wrapper (SVC404, safe), or a
    public one (SVC403, unsafe)."""
    name = f"refresh_{n}" if public else f"_sync_{n}"
    return (f'"""Generated tasks {n}."""\n'
            "from shop.celery import app\n\n\n"
            "@app.task\n"
            f"def {name}(order_id):\n"
            f'    """Sync order {n}."""\n'
            "    if order_id:\n"
            "        return order_id\n"
            "    return None\n")


def deep_import_module(n):
    """An app module importing a depth-4 name (SVC201, safe)."""
    return ("from services.integrations.google_calendar import get_credentials\n\n\n"
            f"def calendar_{n}(user):\n"
            "    if user:\n"
            "        return get_credentials(user)\n"
            "    return None\n")


BROKEN_MODULE = "def broken(:\n    return (\n"


# ---- the plan: what a trial does, derived from its seed ------------------------------------------

def make_plan(seed, demo, max_batches):
    rng = random.Random(seed)
    files = {}
    for path in sorted(demo_files(demo)):
        files[path] = {"demo": True}
    for n in range(rng.randint(0, 3)):
        files[f"services/tasks/gen{n}_tasks.py"] = {"text": task_module(n, rng.random() < 0.3)}
    for n in range(rng.randint(0, 2)):
        files[f"orders/gen{n}_views.py"] = {"text": deep_import_module(n)}
    py = [p for p in files if p.endswith(".py")]
    for path in py:
        r = rng.random()
        if r < 0.12:
            files[path]["crlf"] = True
        elif r < 0.24:
            files[path]["tabs"] = True

    setup = []
    extra = 0
    for _ in range(rng.randint(3, 12)):
        kind = rng.choice(["marker", "marker", "marker", "both", "new", "flag", "chmod",
                           "delete", "broken"])
        path = rng.choice(py)
        if kind == "marker":
            setup.append({"op": "marker", "path": path, "at": rng.random(),
                          "staged": rng.random() < 0.5, "assign": rng.random() < 0.3})
        elif kind == "both":
            setup.append({"op": "marker", "path": path, "at": rng.random(), "staged": True})
            setup.append({"op": "marker", "path": path, "at": rng.random(), "staged": False})
        elif kind == "new":
            extra += 1
            new = f"services/tasks/new{extra}_tasks.py"
            setup.append({"op": "new", "path": new, "text": task_module(100 + extra, False),
                          "how": rng.choice(["untracked", "intent", "added"])})
            setup.append({"op": "marker", "path": new, "at": rng.random(), "staged": False})
        elif kind == "flag":
            setup.append({"op": "flag", "path": path,
                          "flag": rng.choice(["skip-worktree", "assume-unchanged"])})
            setup.append({"op": "marker", "path": path, "at": rng.random(), "staged": False})
        elif kind == "chmod":
            setup.append({"op": "chmod", "path": path})
        elif kind == "delete" and rng.random() < 0.4:
            setup.append({"op": "delete", "path": path})
        elif kind == "broken":
            extra += 1
            setup.append({"op": "new", "path": f"services/billing/broken{extra}.py",
                          "text": BROKEN_MODULE, "how": rng.choice(["untracked", "added"])})

    steps = []
    for _ in range(rng.randint(1, 3)):
        # a few batches in a row (one more than the undo depth now and then), then undos
        for _ in range(rng.randint(1, max_batches + (1 if rng.random() < 0.3 else 0))):
            if rng.random() < 0.25:
                steps.append({"op": "edit", "path": rng.choice(py), "at": rng.random(),
                              "staged": rng.random() < 0.5})
            args = ["fix"]
            if rng.random() < 0.5:
                args.append("--stage")
            if rng.random() < 0.35:
                args.append("--unsafe")
            if rng.random() < 0.3:
                args += ["--select", ",".join(rng.sample(FIX_CODES, rng.randint(1, 3)))]
            steps.append({"op": "run", "args": args})
        for _ in range(rng.randint(0, max_batches + 1)):
            if rng.random() < 0.15:
                steps.append({"op": "edit", "path": rng.choice(py), "at": rng.random(),
                              "staged": rng.random() < 0.5})
            steps.append({"op": "run", "args": ["fix", "--undo"]})
    return {"seed": seed, "max_batches": max_batches, "files": files, "setup": setup,
            "steps": steps}


def demo_files(demo):
    out = []
    for root, dirs, names in os.walk(demo):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if not name.endswith(".pyc"):
                out.append(os.path.relpath(os.path.join(root, name), demo))
    return out


def describe_step(step):
    if step["op"] == "run":
        return "svcscope " + " ".join(step["args"])
    return f"edit {step['path']} ({'staged' if step['staged'] else 'unstaged'} marker)"


# ---- running commands, and the shell script that replays them ------------------------------------

class Repo:
    """A trial's repository. Every change goes through here, so that it can be written out as a
    shell script that does the same with plain git and svcscope."""

    def __init__(self, path, svcscope, env):
        self.path = path
        self.svcscope = svcscope
        self.env = env
        self.script = []
        self.blobs = {}

    def sh(self, line):
        self.script.append(line)

    def git(self, *args, check=True, log=True, stdin=None):
        if log:
            self.sh("git " + " ".join(shlex.quote(a) for a in args))
        r = subprocess.run(["git", *args], cwd=self.path, env=self.env, input=stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if check and r.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {r.stderr.decode(errors='replace')}")
        return r.stdout

    def write(self, rel, data, demo_path=None):
        full = os.path.join(self.path, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        mode = None
        if os.path.exists(full):
            mode = os.stat(full).st_mode & 0o777
            os.chmod(full, 0o644)
        with open(full, "wb") as f:
            f.write(data)
        if mode is not None:
            os.chmod(full, mode)
        q = shlex.quote(rel)
        pre = f"mkdir -p {shlex.quote(os.path.dirname(rel) or '.')} && "
        if demo_path is not None:
            self.sh(pre + f'cp "$DEMO"/{q} {q}')
        elif b"\r" in data or not data.endswith(b"\n") or b"\nEOF\n" in data:
            enc = base64.b64encode(data).decode()
            self.sh(pre + f"echo {enc} | base64 -d > {q}")
        else:
            self.sh(pre + f"cat > {q} <<'EOF'\n{data.decode()}EOF")
        if mode is not None and mode != 0o644:
            self.sh(f"chmod {mode:o} {q}")

    def read(self, rel):
        with open(os.path.join(self.path, rel), "rb") as f:
            return f.read()

    def run_svcscope(self, args, timeout=120):
        self.sh('"$SVCSCOPE" ' + " ".join(shlex.quote(a) for a in args) + "; echo \"exit $?\"")
        r = subprocess.run([self.svcscope, *args], cwd=self.path, env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")

    def cat_blobs(self, oids):
        """The bytes of index blobs, read once each (blob ids never change meaning)."""
        want = [o for o in oids if o not in self.blobs]
        if want:
            out = subprocess.run(["git", "cat-file", "--batch"], cwd=self.path, env=self.env,
                                 input=("\n".join(want) + "\n").encode(),
                                 stdout=subprocess.PIPE, check=True).stdout
            pos = 0
            for oid in want:
                nl = out.index(b"\n", pos)
                header = out[pos:nl].split()
                size = int(header[2])
                self.blobs[oid] = out[nl + 1:nl + 1 + size]
                pos = nl + 1 + size + 1
        return [self.blobs[o] for o in oids]


# ---- the state the oracle compares ----------------------------------------------------------------

class State:
    """The work tree (files: bytes and mode; folders) and the index (entries and flags)."""

    def __init__(self, repo):
        self.files = {}
        self.dirs = set()
        top = repo.path
        for root, dirs, names in os.walk(top):
            if root == top:
                dirs[:] = [d for d in dirs if d != ".git"]
            for d in dirs:
                self.dirs.add(os.path.relpath(os.path.join(root, d), top))
            for name in names:
                full = os.path.join(root, name)
                st = os.lstat(full)
                with open(full, "rb") as f:
                    self.files[os.path.relpath(full, top)] = (st.st_mode & 0o777, f.read())
        self.index = {}
        key = None
        for line in repo.git("ls-files", "-s", "-v", "--debug", log=False).decode().splitlines():
            if not line.startswith("  "):
                meta, path = line.split("\t", 1)
                tag, mode, oid, stage = meta.split()
                key = (path, stage)
                self.index[key] = [tag, mode, oid]
            elif "flags:" in line:
                self.index[key].append(int(line.split("flags:")[1].strip(), 16) & FLAG_BITS)
        self.index = {k: tuple(v) for k, v in self.index.items()}
        staged = [(k[0], v[2]) for k, v in sorted(self.index.items()) if k[1] == "0"]
        self.staged = dict(zip([p for p, _ in staged], repo.cat_blobs([o for _, o in staged])))

    def wt_markers(self):
        return {int(m) for _, data in self.files.values() for m in MARKER_RE.findall(data)}

    def staged_markers(self):
        return {int(m) for data in self.staged.values() for m in MARKER_RE.findall(data)}

    def same(self, other):
        return (self.files == other.files and self.dirs == other.dirs
                and self.index == other.index)


def parses(data):
    try:
        ast.parse(data)
        return True
    except (SyntaxError, ValueError):
        return False


def lines(blobs):
    c = collections.Counter()
    for data in blobs:
        c.update(data.split(b"\n"))
    return c


# ---- the oracle ------------------------------------------------------------------------------------

def flag_names(flags):
    names = [n for bit, n in ((0x8000, "assume-unchanged"), (0x20000000, "intent-to-add"),
                              (0x40000000, "skip-worktree")) if flags & bit]
    return "+".join(names) or "none"


def check_run(before, after, args, status, out, err, tolerate=()):
    """The invariants of one `svcscope fix` run, from the states before and after it."""
    if status < 0:
        raise Failure(6, f"killed by signal {-status}")
    if status not in (0, 1, 2):
        raise Failure(6, f"exit status {status}")
    for bad in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
        if bad in err:
            raise Failure(6, f"sanitizer report: {err.strip()[:300]}")
    if status == 2 and not err.strip():
        raise Failure(6, "exit 2 without a message")
    for line in err.splitlines():
        if line.startswith("svcscope:") and len(line.split(":", 1)[1].strip()) < 5:
            raise Failure(6, f"a message that says nothing: {line!r}")

    lost = before.wt_markers() - after.wt_markers()
    if lost:
        raise Failure(1, f"user edits lost from the work tree: markers {sorted(lost)}")
    unstaged = before.staged_markers() - after.staged_markers()
    if unstaged:
        raise Failure(1, f"staged user edits lost from the index: markers {sorted(unstaged)}")
    exposed = after.staged_markers() - before.staged_markers()
    if exposed:
        raise Failure(2, f"unstaged user edits became staged: markers {sorted(exposed)}")
    temps = [p for p in after.files if TEMP_RE.search(os.path.basename(p))]
    if temps:
        raise Failure(1, f"temp files left behind: {temps}")
    for path, (mode, data) in after.files.items():
        if path in before.files and before.files[path][0] != mode:
            raise Failure(1, f"{path}: mode {before.files[path][0]:o} became {mode:o}")
        if path.endswith(".py") and before.files.get(path, (0, None))[1] != data:
            old = before.files.get(path)
            if (old is None or parses(old[1])) and not parses(data):
                raise Failure(3, f"{path}: svcscope wrote a file that does not parse")
    for path, data in after.staged.items():
        if path.endswith(".py") and before.staged.get(path) != data:
            old = before.staged.get(path)
            if (old is None or parses(old)) and not parses(data):
                raise Failure(3, f"{path}: svcscope staged a blob that does not parse")

    if "--undo" in args:
        return
    if "--stage" not in args and after.index != before.index:
        changed = sorted(k[0] for k in set(before.index) ^ set(after.index)
                         | {k for k in before.index if before.index[k] != after.index.get(k)})
        raise Failure(2, f"fix without --stage changed the index: {changed}")
    for key, entry in before.index.items():
        new = after.index.get(key)
        if new is None or new[3] == entry[3]:
            continue
        if new[2] != entry[2] and "fixed-entry-flags" in tolerate:
            continue
        raise Failure(4, f"{key[0]}: index flags {flag_names(entry[3])} became "
                         f"{flag_names(new[3])}")
    # Whatever --stage put into (or took out of) the index, it also put into (took out of) the
    # work tree: a line of the user's that only the work tree had cannot reach the index.
    idx_b, idx_a = lines(before.staged.values()), lines(after.staged.values())
    wt_b = lines(d for _, d in before.files.values())
    wt_a = lines(d for _, d in after.files.values())
    extra = (idx_a - idx_b) - (wt_a - wt_b)
    if extra:
        raise Failure(2, f"lines staged that the fix did not write: {sorted(extra)[:5]}")
    gone = (idx_b - idx_a) - (wt_b - wt_a)
    if gone:
        raise Failure(2, f"lines unstaged that the fix did not remove: {sorted(gone)[:5]}")


def check_undo(batch_before, batch_after, before, after, tolerate=()):
    """After an undo: what the batch changed is back to what it was, the rest is as it was."""
    def expect(old_b, old_a, cur, new, what, same=lambda a, b: a == b):
        for key in set(old_b) | set(old_a) | set(cur) | set(new):
            touched = old_b.get(key) != old_a.get(key)
            want = old_b.get(key) if touched else cur.get(key)
            if not same(new.get(key), want):
                raise Failure(7, f"after undo, {what} {key} is {short(new.get(key))}, "
                                 f"expected {short(want)}"
                                 f"{' (as before the batch)' if touched else ' (unchanged)'}")
    expect(batch_before.files, batch_after.files, before.files, after.files, "file")
    same_entry = lambda a, b: a == b
    if "fixed-entry-flags" in tolerate:
        same_entry = lambda a, b: (a and a[1:3]) == (b and b[1:3])
    expect(batch_before.index, batch_after.index, before.index, after.index, "index entry",
           same_entry)
    as_map = lambda s: {d: True for d in s}
    expect(as_map(batch_before.dirs), as_map(batch_after.dirs), as_map(before.dirs),
           as_map(after.dirs), "folder")


def short(v):
    if v is None:
        return "absent"
    if isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], bytes):
        return f"mode {v[0]:o}, {len(v[1])} bytes"
    return repr(v)


def check_fsck(repo):
    r = subprocess.run(["git", "fsck", "--no-progress", "--no-dangling"], cwd=repo.path,
                       env=repo.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0 or r.stdout.strip():
        raise Failure(5, "git fsck: " + r.stdout.decode(errors="replace").strip()[:300])


# ---- one trial ------------------------------------------------------------------------------------

class Trial:
    def __init__(self, plan, opts, workdir):
        self.plan = plan
        self.opts = opts
        self.env = dict(os.environ, **GIT_ENV, HOME=os.path.join(workdir, "home"),
                        XDG_STATE_HOME=os.path.join(workdir, "state"),
                        XDG_CACHE_HOME=os.path.join(workdir, "cache"))
        os.makedirs(self.env["HOME"], exist_ok=True)
        self.repo = Repo(os.path.join(workdir, "repo"), opts.svcscope, self.env)
        self.next_marker = 1
        self.log = []

    def marker_line(self, assign):
        n = self.next_marker
        self.next_marker += 1
        return n, (f"stress_marker_{n} = {n}" if assign else f"# stress-marker-{n}")

    def insert_marker(self, path, at, assign=False):
        """A marker line before a statement (at its indentation) or at the end of the file."""
        data = self.repo.read(path)
        nl = b"\r\n" if data.split(b"\n", 1)[0].endswith(b"\r") else b"\n"
        lines_ = data.split(b"\n")
        anchors = [(len(lines_) - 1, b"")] if data.endswith(b"\n") or not data else []
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            tree = None
        if tree is not None:
            for node in ast.walk(tree):
                if not isinstance(node, ast.stmt):
                    continue
                first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
                text = lines_[first - 1]
                indent = text[:len(text) - len(text.lstrip(b" \t"))]
                # only statements that start their line (not `if x: y`, not after a `;`)
                if len(indent) == node.col_offset or first != node.lineno:
                    if not assign or not indent:
                        anchors.append((first - 1, indent))
        if not anchors:
            return None
        anchors = sorted(set(anchors))
        line_no, indent = anchors[min(int(at * len(anchors)), len(anchors) - 1)]
        n, text = self.marker_line(assign and not indent)
        lines_.insert(line_no, indent + text.encode() + (b"\r" if nl == b"\r\n" else b""))
        self.repo.write(path, b"\n".join(lines_))
        return n

    def setup(self):
        repo = self.repo
        os.makedirs(repo.path)
        repo.sh("set -u")
        repo.sh(f"mkdir repo && cd repo")
        for path, spec in self.plan["files"].items():
            if spec.get("demo"):
                with open(os.path.join(self.opts.demo, path), "rb") as f:
                    data = f.read()
            else:
                data = spec["text"].encode()
            if spec.get("tabs"):
                tabbed = re.sub(rb"(?m)^((?:    )+)", lambda m: b"\t" * (len(m.group(1)) // 4), data)
                data = tabbed if parses(tabbed) else data
            if spec.get("crlf"):
                data = data.replace(b"\n", b"\r\n")
            plain = spec.get("demo") and not spec.get("tabs") and not spec.get("crlf")
            repo.write(path, data, demo_path=path if plain else None)
        repo.git("-c", "init.defaultBranch=main", "init", "-q")
        repo.git("add", "-A")
        repo.git("commit", "-q", "--allow-empty", "-m", "initial")
        flagged = set()
        self.tracked = set(self.plan["files"])
        for op in self.plan["setup"]:
            path = op["path"]
            full = os.path.join(repo.path, path)
            if op["op"] != "new" and not os.path.exists(full):
                continue
            if op["op"] == "marker":
                staged = op["staged"] and path not in flagged and path in self.tracked
                if self.insert_marker(path, op["at"], op.get("assign", False)) and staged:
                    repo.git("add", "--", path)
            elif op["op"] == "new":
                if os.path.exists(full):
                    continue
                repo.write(path, op["text"].encode())
                if op["how"] == "intent":
                    repo.git("add", "-N", "--", path)
                    flagged.add(path)
                elif op["how"] == "added":
                    repo.git("add", "--", path)
                    self.tracked.add(path)
                else:
                    flagged.add(path)
            elif op["op"] == "flag":
                if path in self.tracked:
                    repo.git("update-index", f"--{op['flag']}", "--", path)
                    flagged.add(path)
            elif op["op"] == "chmod":
                os.chmod(full, 0o444)
                repo.sh(f"chmod 444 {shlex.quote(path)}")
            elif op["op"] == "delete":
                os.chmod(full, 0o644)
                os.unlink(full)
                repo.sh(f"rm -f {shlex.quote(path)}")
        self.flagged = flagged

    def run(self):
        self.setup()
        repo = self.repo
        state = State(repo)
        batches = []
        for i, step in enumerate(self.plan["steps"]):
            self.log.append(describe_step(step))
            out = err = ""
            try:
                if step["op"] == "edit":
                    path = step["path"]
                    if not os.path.exists(os.path.join(repo.path, path)):
                        continue
                    staged = (step["staged"] and path not in self.flagged
                              and path in self.tracked)
                    if self.insert_marker(path, step["at"]) and staged:
                        repo.git("add", "--", path)
                    state = State(repo)
                    continue
                args = step["args"]
                if "--undo" in args and self.plan["max_batches"] > 1:
                    self.check_undo_list(state, batches)
                status, out, err = repo.run_svcscope(args)
                after = State(repo)
                check_run(state, after, args, status, out, err, self.opts.tolerate)
                if "--undo" in args:
                    self.check_undo_step(batches, state, after, status, out, err)
                elif not after.same(state):
                    batches.append((state, after))
                    del batches[:-UNDO_HISTORY]
                # only a run that changed the index can have written objects
                if after.index != state.index:
                    check_fsck(repo)
                state = after
            except Failure as f:
                f.step = i
                f.output = (out + err).strip()
                raise
            except subprocess.TimeoutExpired:
                f = Failure(6, "svcscope did not finish in 120 s")
                f.step, f.output = i, ""
                raise f

    def finish(self):
        try:
            check_fsck(self.repo)
        except Failure as f:
            f.step, f.output = len(self.plan["steps"]) - 1, ""
            raise

    def check_undo_list(self, state, batches):
        """With undo history: `fix --undo --list` lists the batches and changes nothing."""
        status, out, err = self.repo.run_svcscope(["fix", "--undo", "--list"])
        if status not in (0, 1) or not State(self.repo).same(state):
            raise Failure(7, f"fix --undo --list exited {status} or changed the repository")
        if batches and len(out.strip().splitlines()) < len(batches):
            raise Failure(7, f"fix --undo --list shows fewer than the {len(batches)} batches "
                             "recorded")

    def check_undo_step(self, batches, before, after, status, out, err):
        if status == 0:
            if not batches:
                if not after.same(before):
                    raise Failure(7, "undo changed files although no batch was recorded")
                return
            batch_before, batch_after = batches.pop()
            check_undo(batch_before, batch_after, before, after, self.opts.tolerate)
        else:
            if not after.same(before):
                raise Failure(7, f"undo exited {status} but changed the repository")
            if status == 1 and batches:
                raise Failure(7, "undo says there is nothing to undo, but the last batch "
                                 "changed the repository")
            if status == 2 and not err.strip():
                raise Failure(7, "undo refused without saying why")


def run_plan(plan, opts, keep=None):
    """Runs one trial; returns None or (Failure, steps done, shell script)."""
    workdir = tempfile.mkdtemp(prefix="svcscope-stress-")
    trial = Trial(plan, opts, workdir)
    try:
        trial.run()
        trial.finish()
        return None
    except Failure as f:
        return f, trial.log, trial.repo.script
    except RuntimeError as e:
        # a git command of the harness itself failed: not a finding about svcscope
        f = Failure("harness", str(e))
        f.step, f.output = max(len(trial.log) - 1, 0), ""
        return f, trial.log or ["setup"], trial.repo.script
    finally:
        if keep:
            shutil.copytree(workdir, keep, symlinks=True, dirs_exist_ok=True)
        # read-only files and folders must be writable for rmtree
        for root, dirs, names in os.walk(workdir):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(workdir, ignore_errors=True)


# ---- shrinking ----------------------------------------------------------------------------------

def shrink(plan, failure, opts):
    """Drops steps, setup operations and files one at a time while the trial still fails the
    same invariant; returns the smallest plan found and its failure."""
    best, best_fail = plan, failure
    budget = opts.shrink_runs

    def candidates(p):
        for i in range(len(p["steps"])):
            yield dict(p, steps=p["steps"][:i] + p["steps"][i + 1:])
        for i in range(len(p["setup"])):
            yield dict(p, setup=p["setup"][:i] + p["setup"][i + 1:])
        # files: halves first, then quarters, ... then one at a time (most are not needed)
        paths = list(p["files"])
        size = len(paths) // 2
        while size >= 1:
            for i in range(0, len(paths), size):
                drop = set(paths[i:i + size])
                files = {k: v for k, v in p["files"].items() if k not in drop}
                yield dict(p, files=files, setup=[o for o in p["setup"] if o["path"] not in drop])
            size //= 2

    progress = True
    while progress and budget > 0:
        progress = False
        for cand in candidates(best):
            if budget <= 0:
                break
            budget -= 1
            result = run_plan(cand, opts)
            if result and result[0].invariant == best_fail[0].invariant:
                best, best_fail = cand, result
                progress = True
                break
    return best, best_fail


def report(plan, result, opts, shrunk=None):
    failure, log, _ = result
    seed = plan["seed"]
    print(f"FAIL seed {seed}: {failure}", file=sys.stderr)
    print(f"  at step {failure.step + 1}: {log[-1]}", file=sys.stderr)
    if failure.output:
        for line in failure.output.splitlines()[:12]:
            print(f"    | {line}", file=sys.stderr)
    print("  steps: " + "; ".join(describe_step(s) for s in plan["steps"]), file=sys.stderr)
    print(f"  repro: STRESS_SEED={seed} make stress"
          f"{'' if plan['max_batches'] == 1 else ' STRESS_ARGS=--max-batches=' + str(plan['max_batches'])}",
          file=sys.stderr)
    if shrunk is None:
        return
    small, small_result = shrunk
    sfail, slog, script = small_result
    print(f"  smallest repro ({len(small['files'])} files, {len(small['setup'])} setup "
          f"operations, {len(small['steps'])} steps): {sfail}", file=sys.stderr)
    print("    setup: " + ("; ".join(f"{o['op']} {o['path']}" for o in small["setup"]) or "none"),
          file=sys.stderr)
    print("    steps: " + "; ".join(describe_step(s) for s in small["steps"]), file=sys.stderr)
    if opts.results:
        os.makedirs(opts.results, exist_ok=True)
        base = os.path.join(opts.results, f"seed-{seed}")
        with open(base + ".json", "w") as f:
            json.dump(small, f, indent=1)
        with open(base + ".sh", "w") as f:
            f.write("#!/bin/sh\n"
                    f"# svcscope stress trial, seed {seed}, shrunk: {sfail}\n"
                    "# Run from the top of the source tree; it works in a new temp folder.\n"
                    "# The invariants are checked by: "
                    f"tests/stress/stress.py --replay {os.path.basename(base)}.json\n"
                    'SVCSCOPE=${SVCSCOPE:-$PWD/svcscope}\n'
                    'DEMO=${DEMO:-$PWD/examples/demo}\n'
                    'cd "$(mktemp -d)" || exit 1\n'
                    "export GIT_AUTHOR_NAME=stress GIT_AUTHOR_EMAIL=stress@example.invalid "
                    "GIT_COMMITTER_NAME=stress GIT_COMMITTER_EMAIL=stress@example.invalid\n")
            f.write("\n".join(script) + "\n")
            f.write(f"# broken here: {sfail}\n")
        os.chmod(base + ".sh", 0o755)
        print(f"    written: {base}.sh and {base}.json", file=sys.stderr)


# ---- --kill: SIGKILL during a large batch -----------------------------------------------------

def big_project(root, demo, n_tasks, n_views):
    """The demo plus many generated modules with safe fixes, committed, with user edits."""
    env = dict(os.environ, **GIT_ENV, HOME=os.path.join(root, "home"))
    os.makedirs(env["HOME"], exist_ok=True)
    repo = os.path.join(root, "repo")
    shutil.copytree(demo, repo, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for n in range(n_tasks):
        with open(os.path.join(repo, f"services/tasks/gen{n}_tasks.py"), "w") as f:
            f.write(task_module(n, False))
    for n in range(n_views):
        with open(os.path.join(repo, f"orders/gen{n}_views.py"), "w") as f:
            f.write(deep_import_module(n))
    for args in (["-c", "init.defaultBranch=main", "init", "-q"], ["add", "-A"],
                 ["commit", "-q", "-m", "initial"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    return repo, env


def copy_repo(src, dst):
    shutil.copytree(src, dst, symlinks=True)  # .git included: each kill starts from the same state


def batch_paths(svcscope, repo, env, args):
    """The files a batch would change, from `fix --diff`."""
    out = subprocess.run([svcscope, *args, "--diff"], cwd=repo, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    return {m.split(" b/", 1)[1] for m in re.findall(r"(?m)^diff --git a/.*$", out)}


def wait_for_undo_record(repo, proc):
    """Returns the time the batch started writing (its undo record appeared), polling."""
    undo = os.path.join(repo, ".git", "svcscope", "undo")
    while proc.poll() is None:
        try:
            if os.listdir(undo):
                break
        except FileNotFoundError:
            pass
        time.sleep(0.0005)
    return time.monotonic()


def kill_mode(opts):
    failures = landed = 0
    root = tempfile.mkdtemp(prefix="svcscope-stress-kill-")
    try:
        template, env = big_project(os.path.join(root, "template"), opts.demo, 300, 100)
        # how long a whole batch takes, so that kills land all over it
        probe = os.path.join(root, "probe")
        copy_repo(template, probe)
        # The batch writes its undo record (in .git/svcscope/undo) first, then the files, then
        # the index: time that part, so that the kills land all over it.
        intended = batch_paths(opts.svcscope, probe, env, ["fix"])
        proc = subprocess.Popen([opts.svcscope, "fix", "--stage"], cwd=probe, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t0 = time.monotonic()
        writing = wait_for_undo_record(probe, proc)
        proc.wait()
        whole, duration = time.monotonic() - t0, time.monotonic() - writing
        shutil.rmtree(probe)
        print(f"kill: {len(intended)} files in a batch of {whole:.2f} s, written in the last "
              f"{duration:.2f} s; {opts.kills} kills", file=sys.stderr)
        for k in range(opts.kills):
            seed = opts.first_seed + k
            rng = random.Random(seed)
            work = os.path.join(root, f"k{seed}")
            copy_repo(template, work)
            repo = Repo(work, opts.svcscope, env)
            # user edits, staged and not, so that the index is not just HEAD
            for n in rng.sample(range(300), 20):
                path = f"services/tasks/gen{n}_tasks.py"
                with open(os.path.join(work, path), "ab") as f:
                    f.write(f"# stress-marker-{n}\n".encode())
                if rng.random() < 0.5:
                    repo.git("add", "--", path, log=False)
            before = State(repo)
            # most kills while the batch writes, some before it has begun
            early = rng.random() < 0.1
            delay = rng.uniform(0, whole if early else duration * 1.2)
            proc = subprocess.Popen([opts.svcscope, "fix", "--stage"], cwd=work, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not early:
                wait_for_undo_record(work, proc)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            killed = proc.returncode == -signal.SIGKILL
            mid = State(repo)
            reached = {p for p in intended
                       if mid.files.get(p) != before.files.get(p)
                       or any(mid.index.get(k) != before.index.get(k)
                              for k in [(p, "0")])}
            landed += bool(killed and reached)
            r = subprocess.run([opts.svcscope, "fix", "--undo"], cwd=work, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out = (r.stdout + r.stderr).decode(errors="replace")
            after = State(repo)
            problems = []
            if r.returncode not in (0, 1):
                problems.append(f"undo exited {r.returncode}: {out.strip()[:300]}")
            if r.returncode == 1 and not mid.same(before):
                problems.append("undo found nothing to undo after a partly written batch")
            for path in sorted(set(before.files) | set(after.files)):
                if before.files.get(path) != after.files.get(path):
                    problems.append(f"work tree {path}: {short(before.files.get(path))} "
                                    f"became {short(after.files.get(path))}")
            for key in sorted(set(before.index) | set(after.index)):
                if before.index.get(key) != after.index.get(key):
                    problems.append(f"index {key[0]}: {before.index.get(key)} became "
                                    f"{after.index.get(key)}")
            if os.path.exists(os.path.join(work, ".git", "index.lock")):
                problems.append(".git/index.lock left behind")
            if killed and reached:
                missing = [p for p in sorted(intended - reached) if p not in out]
                if missing:
                    problems.append(f"undo does not name {len(missing)} files the batch had not "
                                    f"reached, e.g. {missing[:3]}")
            try:
                check_fsck(repo)
            except Failure as f:
                problems.append(str(f))
            if problems:
                failures += 1
                print(f"FAIL kill seed {seed} (SIGKILL {delay:.3f} s after "
                      f"{'the start' if early else 'the undo record appeared'}, "
                      f"{'killed' if killed else 'had finished'}, {len(reached)} of "
                      f"{len(intended)} files reached): invariant 7", file=sys.stderr)
                for p in problems[:8]:
                    print(f"  {p}", file=sys.stderr)
                if len(problems) > 8:
                    print(f"  ... {len(problems) - 8} more", file=sys.stderr)
                print(f"  repro: STRESS_KILLS=1 STRESS_SEED={seed} make stress-kill",
                      file=sys.stderr)
            shutil.rmtree(work, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"kill: {opts.kills - failures} of {opts.kills} kills passed ({landed} landed while "
          "the batch was being written)", file=sys.stderr)
    return failures == 0


# ---- --append: a concurrent writer while fix runs -------------------------------------------------

APPENDER = r"""
import sys, time
paths, lines, spacing = sys.argv[1].split("\n"), sys.argv[2].split("\n"), float(sys.argv[3])
sys.stdout.write("ready\n"); sys.stdout.flush()
sys.stdin.readline()
for path, line in zip(paths, lines):
    with open(path, "ab") as f:
        f.write(line.encode() + b"\n")
    if spacing:
        time.sleep(spacing)
"""


def append_mode(opts):
    root = tempfile.mkdtemp(prefix="svcscope-stress-append-")
    ok = True
    try:
        template, env = big_project(os.path.join(root, "template"), opts.demo, 600, 0)
        probe = os.path.join(root, "probe")
        copy_repo(template, probe)
        t0 = time.monotonic()
        subprocess.run([opts.svcscope, "fix"], cwd=probe, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        duration = time.monotonic() - t0
        shutil.rmtree(probe)
        seed = opts.first_seed
        rng = random.Random(seed)
        work = os.path.join(root, "repo")
        copy_repo(template, work)
        targets = [f"services/tasks/gen{rng.randrange(600)}_tasks.py" for _ in range(opts.appends)]
        appended = [f"# stress-append-{i}" for i in range(opts.appends)]
        spacing = duration / max(opts.appends, 1)
        writer = subprocess.Popen([sys.executable, "-c", APPENDER,
                                   "\n".join(os.path.join(work, t) for t in targets),
                                   "\n".join(appended), str(spacing)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        writer.stdout.readline()
        fixer = subprocess.Popen([opts.svcscope, "fix"], cwd=work, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        writer.stdin.write(b"go\n")
        writer.stdin.flush()
        out, err = fixer.communicate()
        writer.wait()
        text = (out + err).decode(errors="replace")
        problems = []
        if fixer.returncode not in (0, 1, 2):
            problems.append(f"fix exited {fixer.returncode}")
        lost = []
        for path, line in zip(targets, appended):
            with open(os.path.join(work, path), "rb") as f:
                if (line + "\n").encode() not in f.read():
                    lost.append(f"{path}: {line}")
        if lost:
            problems.append(f"{len(lost)} of {len(appended)} appended lines lost, e.g. {lost[:3]}")
        unreported = []
        # A file that changes while the batch is written rolls the whole batch back, and says so.
        rolled_back = "nothing was changed" in text
        for path in sorted(set(targets)) if not rolled_back else []:
            with open(os.path.join(work, path), "rb") as f:
                fixed = b"def delay_sync_" in f.read()
            if not fixed and not re.search(re.escape(path) + r".*changed on disk", text):
                unreported.append(path)
        if unreported:
            problems.append(f"{len(unreported)} files neither fixed nor reported as changed on "
                            f"disk, e.g. {unreported[:3]}")
            problems += ["svcscope said: " + line for line in text.splitlines()[:3]]
            problems += ["svcscope said: " + line for line in text.splitlines()[-3:]]
        print(f"append: {opts.appends} lines appended to {len(set(targets))} files during a "
              f"{duration:.2f} s fix", file=sys.stderr)
        if problems:
            ok = False
            print(f"FAIL append seed {seed}: invariant 1", file=sys.stderr)
            for p in problems:
                print(f"  {p}", file=sys.stderr)
            print(f"  repro: STRESS_SEED={seed} make stress-append", file=sys.stderr)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return ok


# ---- main ------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--svcscope", required=True, help="the binary under test")
    ap.add_argument("--demo", required=True, help="examples/demo of the source tree")
    ap.add_argument("--trials", type=int, default=int(os.environ.get("STRESS_TRIALS", 200)))
    ap.add_argument("--seed", type=int, default=None,
                    help="run only this trial (STRESS_SEED)")
    ap.add_argument("--first-seed", type=int, default=None,
                    help="seeds first-seed .. first-seed+trials-1 (default: random)")
    ap.add_argument("--max-batches", type=int, default=3,
                    help="fix batches in a row before the undos; also the undo depth expected")
    ap.add_argument("--results", help="write each shrunk failure here (plan and shell script)")
    ap.add_argument("--no-shrink", action="store_true")
    ap.add_argument("--tolerate", action="append", default=[], choices=sorted(KNOWN),
                    help="do not fail on this known defect (see KNOWN)")
    ap.add_argument("--shrink-runs", type=int, default=300, help="trial runs a shrink may use")
    ap.add_argument("--stop-after", type=int, default=5, help="stop after this many failures")
    ap.add_argument("--replay", help="run the plan of a --results .json file")
    ap.add_argument("--keep", help="copy the last trial's folder here")
    ap.add_argument("--kill", action="store_true", help="SIGKILL during a large --stage batch")
    ap.add_argument("--kills", type=int, default=int(os.environ.get("STRESS_KILLS", 100)))
    ap.add_argument("--append", action="store_true", help="a concurrent writer during fix")
    ap.add_argument("--appends", type=int, default=int(os.environ.get("STRESS_APPENDS", 500)))
    opts = ap.parse_args()
    opts.svcscope = os.path.abspath(opts.svcscope)
    opts.demo = os.path.abspath(opts.demo)
    if opts.seed is None and os.environ.get("STRESS_SEED"):
        opts.seed = int(os.environ["STRESS_SEED"])
    if opts.seed is not None:
        opts.first_seed, opts.trials = opts.seed, 1
    if opts.first_seed is None:
        opts.first_seed = random.SystemRandom().randrange(1, 10**6)

    if opts.kill:
        return 0 if kill_mode(opts) else 1
    if opts.append:
        return 0 if append_mode(opts) else 1

    if opts.replay:
        with open(opts.replay) as f:
            plan = json.load(f)
        result = run_plan(plan, opts, keep=opts.keep)
        if result:
            report(plan, result, opts)
            return 1
        print("replay: passed", file=sys.stderr)
        return 0

    t0 = time.monotonic()
    failed = 0
    for seed in range(opts.first_seed, opts.first_seed + opts.trials):
        plan = make_plan(seed, opts.demo, opts.max_batches)
        result = run_plan(plan, opts, keep=opts.keep if opts.trials == 1 else None)
        if result:
            failed += 1
            shrunk = None if opts.no_shrink else shrink(plan, result, opts)
            report(plan, result, opts, shrunk)
            if failed >= opts.stop_after:
                print(f"stopping after {failed} failures", file=sys.stderr)
                break
        if (seed - opts.first_seed + 1) % 100 == 0:  # a long run says how far it is
            print(f"stress: {seed - opts.first_seed + 1 - failed} of {seed - opts.first_seed + 1} trials passed "
                  f"so far ({time.monotonic() - t0:.0f} s)", file=sys.stderr, flush=True)
    done = seed - opts.first_seed + 1
    print(f"stress: {done - failed} of {done} trials passed (seeds {opts.first_seed}.."
          f"{seed}, {time.monotonic() - t0:.0f} s)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

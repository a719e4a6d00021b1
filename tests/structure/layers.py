#!/usr/bin/env python3
"""The layers of docs/architecture.md, checked on the object files the build made (nm):

- no cycle between the core's object files, nor between the CLI's or the explorer's (a file uses
  the ones below it);
- the core uses no curses, does not read the environment and does not print to stderr (it takes
  its options from its callers and reports through return values; only an out-of-memory abort
  may print, in OOM_PRINTERS);
- only the git wrapper (GIT_OWNERS) calls libgit2, only the TUI calls curses;
- the language server (src/lsp) uses the core only: nothing of the CLI or the explorer, and the
  core nothing of it; it never prints on stdout (its protocol stream, written by the transport
  with write(2)).

Usage: layers.py BUILDDIR (the folder holding the svcscope binary and src/)."""
import glob
import os
import subprocess
import sys

GIT_OWNERS = {"git.o"}
OOM_PRINTERS = {"util.o"}
ENV_READERS = {"getenv", "secure_getenv", "setenv", "unsetenv", "putenv", "environ"}
PRINTERS = {"stderr", "stdout", "printf", "puts", "perror", "vprintf"}
STDOUT_PRINTERS = {"stdout", "printf", "puts", "vprintf", "putchar"}
CURSES = {"initscr", "newterm", "endwin", "wrefresh", "doupdate", "waddnstr", "mvwaddnstr",
          "wgetch", "keypad", "start_color", "init_pair", "stdscr", "curs_set", "wattr_on"}


def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRCGS":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
    return defined, undefined


def cycles(objs):
    """Strongly connected components of more than one object file (Tarjan)."""
    defs, undef = {}, {}
    for o in objs:
        d, u = symbols(o)
        undef[o] = u
        for s in d:
            defs[s] = o
    graph = {o: {defs[s] for s in undef[o] if s in defs and defs[s] != o} for o in objs}
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(100000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(os.path.basename(c) for c in comp))

    for o in objs:
        if o not in index:
            visit(o)
    return found, graph, defs


def main():
    build = sys.argv[1]
    core = sorted(glob.glob(os.path.join(build, "src/core/*.o")))
    cli = sorted(glob.glob(os.path.join(build, "src/cli/*.o")) + glob.glob(os.path.join(build, "src/env/*.o")) +
                 glob.glob(os.path.join(build, "src/*main.o")))
    tui = sorted(glob.glob(os.path.join(build, "src/tui/*.o")))
    lsp = sorted(glob.glob(os.path.join(build, "src/lsp/*.o")))
    if not core or not cli:
        print("layers: no object files under %s/src (build first)" % build)
        return 77
    failures = []
    for name, objs in (("core", core), ("CLI", cli), ("explorer", tui), ("language server", lsp)):
        found, _, _ = cycles(objs)
        for comp in found:
            failures.append("a cycle between the %s's object files: %s" % (name, " <-> ".join(comp)))
    for o in core:
        base = os.path.basename(o)
        _, undefined = symbols(o)
        for s in sorted(undefined & ENV_READERS):
            failures.append("the core reads the environment: %s uses %s" % (base, s))
        if base not in OOM_PRINTERS:
            for s in sorted(undefined & PRINTERS):
                failures.append("the core prints: %s uses %s" % (base, s))
        for s in sorted(undefined & CURSES):
            failures.append("the core uses curses: %s uses %s" % (base, s))
        if base not in GIT_OWNERS:
            git = sorted(s for s in undefined if s.startswith("git_"))
            if git:
                failures.append("libgit2 outside the git wrapper: %s uses %s" % (base, ", ".join(git[:5])))
    defined_by = {}
    for layer, objs in (("CLI", cli), ("explorer", tui), ("language server", lsp)):
        for o in objs:
            for s in symbols(o)[0]:
                defined_by[s] = (layer, os.path.basename(o))
    for o in core + lsp:
        base = os.path.basename(o)
        _, undefined = symbols(o)
        for s in sorted(undefined):
            layer, where = defined_by.get(s, (None, None))
            if layer and not (o in lsp and layer == "language server"):
                failures.append("%s uses %s of the %s (%s)" % (base, s, layer, where))
        if o in lsp:
            for s in sorted(undefined & STDOUT_PRINTERS):
                failures.append("the language server prints on stdout: %s uses %s" % (base, s))
            for s in sorted(undefined & CURSES):
                failures.append("the language server uses curses: %s uses %s" % (base, s))
    for o in cli + tui + lsp:
        _, undefined = symbols(o)
        for s in sorted(s for s in undefined if s.startswith("git_")):
            failures.append("libgit2 outside the git wrapper: %s uses %s" % (os.path.basename(o), s))
    for f in failures:
        print("FAIL layers: " + f)
    if failures:
        return 1
    print("layers: %d core, %d CLI, %d explorer and %d language server object files, no cycle, no leak between layers"
          % (len(core), len(cli), len(tui), len(lsp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

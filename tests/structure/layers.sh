#!/bin/sh
# The layers of docs/architecture.md hold in the objects this build made (tests/structure/layers.py):
# no cycle between object files, and the core neither prints, reads the environment, uses curses,
# nor calls libgit2 outside its git wrapper. SKIP (77) without python3 or nm.
command -v python3 >/dev/null 2>&1 || { echo "layers: python3 not installed"; exit 77; }
command -v nm >/dev/null 2>&1 || { echo "layers: nm not installed"; exit 77; }
exec python3 "$TOP_SRCDIR/tests/structure/layers.py" "$(dirname "$SVCSCOPE")"

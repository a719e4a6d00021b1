#!/bin/sh
# Fixes keep every comment and every line they do not declare (tests/e2e/fix_preserves.py): the
# demo with a comment on every line and before every statement, every fix applied and staged.
. "$TOP_SRCDIR/tests/e2e/lib.sh"
command -v python3 >/dev/null 2>&1 || { echo "fix_preserves: python3 not found, skipped"; exit 77; }
python3 "$TOP_SRCDIR/tests/e2e/fix_preserves.py" "$SVCSCOPE" "$TOP_SRCDIR/examples/demo" "$WORK"

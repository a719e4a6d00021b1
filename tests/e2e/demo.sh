#!/bin/sh
# `svcscope --demo`: the bundled project lands in a fresh git repo with one commit.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

export TMPDIR="$WORK"
run --demo
expect_status 0
expect_err "demo project copied to"
expect_out "services/  (services root, imported as services)"
expect_out "[tasks service]"
demo=$(ls -d "$WORK"/svcscope-demo-* | head -n 1)
checks=$((checks + 1))
[ "$(git -C "$demo" rev-list --count HEAD)" = 1 ] || fail "the demo repo should have one commit"
checks=$((checks + 1))
[ -z "$(git -C "$demo" status --porcelain)" ] || fail "the demo work tree should be clean"
checks=$((checks + 1))
[ -f "$demo/services/__init__.py" ] || fail "the demo has no services package"

finish

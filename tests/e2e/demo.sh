#!/bin/sh
# `svcscope --demo`: the bundled project lands in a fresh git repo with one commit, removed on
# exit unless --keep.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

export TMPDIR="$WORK"
run --demo
expect_status 0
expect_err "demo project copied to $WORK/svcscope-demo-"
expect_err "removed on exit, --keep keeps it"
expect_out "services/  (services root, imported as services)"
expect_out "[tasks service]"
checks=$((checks + 1))
! ls -d "$WORK"/svcscope-demo-* >/dev/null 2>&1 || fail "the demo copy was left in $WORK"

run --demo --keep
expect_status 0
checks=$((checks + 1))
! printf '%s\n' "$ERR" | grep -qF "removed on exit" || fail "--keep still says the copy is removed"
expect_err "the demo project stays in $WORK/svcscope-demo-"
demo=$(ls -d "$WORK"/svcscope-demo-* | head -n 1)
checks=$((checks + 1))
[ -n "$demo" ] && printf '%s\n' "$ERR" | grep -qF "stays in $demo (--keep)" || fail "--keep did not keep the copy it named"

checks=$((checks + 1))
[ "$(git -C "$demo" rev-list --count HEAD)" = 1 ] || fail "the demo repo should have one commit"
checks=$((checks + 1))
[ -z "$(git -C "$demo" status --porcelain)" ] || fail "the demo work tree should be clean"
checks=$((checks + 1))
[ -f "$demo/services/__init__.py" ] || fail "the demo has no services package"

run --keep
expect_status 2
expect_err "--keep goes with --demo"

finish

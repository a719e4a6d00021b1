#!/bin/sh
# valgrind (memcheck) on `svcscope check` of the demo, and on a fix and its undo: no invalid read
# or write, no use of uninitialised memory, no definite leak. Skipped (77) without valgrind, and
# for a sanitizer build (ASan and valgrind do not mix): .ci/run sets SVCSCOPE_SANITIZERS=1 there,
# and a binary linked with libasan is recognised anyway.
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed, skipped"; exit 77; }
: "${SVCSCOPE:?run through make check}"
if [ "${SVCSCOPE_SANITIZERS:-0}" = 1 ] ||
    { command -v ldd >/dev/null 2>&1 && ldd "$SVCSCOPE" 2>/dev/null | grep -q 'libasan'; } ||
    { command -v nm >/dev/null 2>&1 && nm "$SVCSCOPE" 2>/dev/null | grep -q '__asan_init'; }; then
    echo "valgrind: $SVCSCOPE is a sanitizer build, skipped"
    exit 77
fi
. "$TOP_SRCDIR/tests/e2e/lib.sh"

REPO="$WORK/demo"
cp -R "$TOP_SRCDIR/examples/demo" "$REPO"
find "$REPO" -name __pycache__ -prune -exec rm -rf {} +
git_commit_all demo

# vg NAME ARGS...: svcscope ARGS under memcheck; its report in $WORK/NAME.vg
vg() {
    name=$1
    shift
    OUT=$(valgrind --quiet --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --track-origins=yes --num-callers=30 \
        --suppressions="$TOP_SRCDIR/tests/e2e/valgrind.supp" --log-file="$WORK/$name.vg" \
        "$SVCSCOPE" "$@" 2>"$WORK/stderr")
    STATUS=$?
    ERR=$(cat "$WORK/stderr")
    checks=$((checks + 1))
    if [ "$STATUS" -eq 9 ] || [ -s "$WORK/$name.vg" ]; then
        fail "valgrind found errors in svcscope $*:
$(cat "$WORK/$name.vg")"
    fi
}

# The facts cache off (every file parsed, from the index), then on (written), then on again
# (read): every path of the model build; then a fix written and staged, and its undo.
SVCSCOPE_NO_CACHE=1 SVCSCOPE_NO_PREFILTER=1 vg check-full check --staged --statistics "$REPO"
expect_status 1
vg check-cache-write check "$REPO"
expect_status 1
vg check-cache-read check --format json "$REPO"
expect_status 1
vg fix fix --stage --unsafe "$REPO"
expect_status 1
vg undo fix --undo "$REPO"
expect_status 0
checks=$((checks + 1))
[ -z "$(git -C "$REPO" status --porcelain)" ] || fail "undo did not restore the demo"
finish

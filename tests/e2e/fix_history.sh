#!/bin/sh
# `svcscope fix` keeps an undo history: batches undone one after the other, newest first, each
# exact for the work tree and the index; `--undo --list`; an undo refused with the reason when a
# later edit touched the same file; files git hides (skip-worktree, assume-unchanged) and
# read-only files left alone with a reason; undo in a bare repository is an error.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write services/__init__.py ''
write services/billing/__init__.py ''
write services/billing/invoices.py 'def create(order):
    return order
'
write services/orders/__init__.py ''
write services/orders/api.py 'from services.billing.invoices import create


def place(order):
    return create(order)
'
write services/orders/views.py 'from services.billing.invoices import create  # keep: JIRA-123


def view(order):
    return create(order)
'
write services/tasks/__init__.py ''
write shop/__init__.py ''
git_commit_all

# the state of everything: bytes of every file, the index with its flags
state() {
    (cd "$REPO" && find . -path ./.git -prune -o -type f -print | sort | while read -r f; do
        echo "== $f"; cat "$f"; done; git ls-files -s -v; git status --porcelain)
}
s0=$(state)
run fix --select SVC201 "$REPO/services/orders/api.py"
expect_status 0
s1=$(state)
run fix --select SVC201 --stage "$REPO/services/orders/views.py"
expect_status 0
s2=$(state)
checks=$((checks + 1))
grep -q '# keep: JIRA-123' "$REPO/services/orders/views.py" || fail "the fix dropped the import's trailing comment"
checks=$((checks + 1))
git -C "$REPO" show :services/orders/views.py | grep -q '# keep: JIRA-123' ||
    fail "the staged fix dropped the import's trailing comment"

run fix --undo --list "$REPO"
expect_status 0
expect_out "Fix batches, newest first"
expect_out "  1  "
expect_out "svcscope fix --select SVC201 --stage"
expect_out "1 fix, 1 file, staged"
expect_out "       services/orders/views.py"
expect_out "  2  "

# a later edit to the newest batch's file: refused, and nothing changes
printf '\nLATER = 1\n' >> "$REPO/services/orders/views.py"
run fix --undo "$REPO"
expect_status 2
expect_err "services/orders/views.py: changed since the fix was applied; not undone"
checks=$((checks + 1))
grep -q 'LATER = 1' "$REPO/services/orders/views.py" || fail "a refused undo lost the later edit"
git -C "$REPO" show :services/orders/views.py > "$REPO/services/orders/views.py.staged"
# put the file back as the fix left it (the staged version is what the fix wrote)
mv "$REPO/services/orders/views.py.staged" "$REPO/services/orders/views.py"

run fix --undo "$REPO"
expect_status 0
checks=$((checks + 1))
[ "$(state)" = "$s1" ] || fail "the first undo did not restore the state before the second batch"
run fix --undo "$REPO"
expect_status 0
checks=$((checks + 1))
[ "$(state)" = "$s0" ] || fail "the second undo did not restore the state before the first batch"
run fix --undo "$REPO"
expect_status 1
expect_err "nothing to undo"
run fix --undo --list "$REPO"
expect_out "No fix batch to undo."
run fix --list "$REPO"
expect_status 2
expect_err "--list goes with --undo"
: "$s2"

# files git hides, and read-only files: left alone with the reason
printf '\nLOCAL_ONLY = 1\n' >> "$REPO/services/orders/api.py"
git -C "$REPO" update-index --skip-worktree services/orders/api.py
chmod 0444 "$REPO/services/orders/views.py"
run fix --stage --select SVC201 "$REPO"
expect_status 1
expect_err "services/orders/api.py: is marked skip-worktree in the git index"
expect_err "services/orders/views.py: is read-only (mode 0444)"
run_git() { OUT=$(git -C "$REPO" "$@" 2>&1); }
run_git ls-files -v services/orders/api.py
expect_out "S services/orders/api.py"
checks=$((checks + 1))
grep -q 'LOCAL_ONLY = 1' "$REPO/services/orders/api.py" || fail "the skip-worktree file was changed"
checks=$((checks + 1))
[ "$(stat -c %a "$REPO/services/orders/views.py")" = 444 ] || fail "the read-only file's mode changed"

# a bare repository: an error, not "nothing to undo"
git clone -q --bare "$REPO" "$WORK/bare.git"
OUT=$(cd "$WORK/bare.git" && "$SVCSCOPE" fix --undo 2>"$WORK/stderr"); STATUS=$?; ERR=$(cat "$WORK/stderr")
expect_status 2
expect_err "a bare repository has no work tree"

finish

#!/bin/sh
# u undoes the last fix batch of the session (svc_fix_undo): the work tree file and the index are
# byte for byte what they were; the finding is back. A second u has nothing to undo; after two
# batches, u twice takes both back, newest first; and an undo
# is refused, with its reason on the status line, when the file changed since the fix.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
FILE=services/tasks/billing_tasks.py
cp "$REPO/$FILE" "$WORK/original.py"
SCREEN=100x30
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC404
<Enter>
<Enter>
f
s
:wait-loaded
:exec git -C demo diff --cached --quiet && echo nothing staged > staged.txt || echo staged > staged.txt
u
:wait-loaded
:save-display fix_undone
u
:save-display fix_undo_nothing
KEYS
expect_status 0
expect_screen fix_undone
expect_in_screen fix_undone "undid the last fix batch: 1 file restored"
expect_in_screen fix_undone "E  31 def _retry_failed_payments():"
expect_in_screen fix_undo_nothing "nothing applied in this session to undo"
checks=$((checks + 1))
[ "$(cat "$WORK/staged.txt")" = staged ] || fail "the fix was not staged before the undo"
checks=$((checks + 1))
[ -z "$(git -C "$REPO" diff --cached)" ] || fail "the index still differs after the undo: $(git -C "$REPO" diff --cached)"
checks=$((checks + 1))
cmp -s "$REPO/$FILE" "$WORK/original.py" || fail "the file is not what it was: $(diff "$WORK/original.py" "$REPO/$FILE")"
checks=$((checks + 1))
[ -z "$(git -C "$REPO" status --porcelain)" ] || fail "the repository is not clean: $(git -C "$REPO" status --porcelain)"

# Two batches, then u twice: the newest first, then the one before; the repository is as it was.
before=$(cd "$REPO" && git status --porcelain && git ls-files -s && find . -path ./.git -prune -o -type f -print | sort | xargs cat)
SCREEN=200x30
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC404
<Enter>
<Enter>
f
s
:wait-loaded
<Tab>
/<C-u>SVC301
<Enter>
F
a
:wait-loaded
:exec git -C demo status --porcelain > two_batches.txt
u
:wait-loaded
:exec git -C demo status --porcelain > one_undone.txt
u
:wait-loaded
:save-display fix_undo_second
KEYS
expect_status 0
expect_in_screen fix_undo_second "undid the last fix batch"
checks=$((checks + 1))
[ "$(wc -l < "$WORK/two_batches.txt")" -ge 3 ] || fail "two batches did not change two files: $(cat "$WORK/two_batches.txt")"
checks=$((checks + 1))
[ "$(cat "$WORK/one_undone.txt")" = "M  $FILE" ] || fail "the first u did not leave only the first batch: $(cat "$WORK/one_undone.txt")"
after=$(cd "$REPO" && git status --porcelain && git ls-files -s && find . -path ./.git -prune -o -type f -print | sort | xargs cat)
checks=$((checks + 1))
[ "$after" = "$before" ] || fail "two undos did not give back the repository as it was"

# An undo refused: the file changed after the fix. Nothing is restored. (Wide: the whole reason
# fits on the status line.)
SCREEN=200x30
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC404
<Enter>
<Enter>
f
a
:wait-loaded
:exec echo '# edited after the fix' >> demo/services/tasks/billing_tasks.py
u
:save-display fix_undo_refused
KEYS
expect_status 0
expect_in_screen fix_undo_refused "undo refused: services/tasks/billing_tasks.py: changed since the fix was applied"
checks=$((checks + 1))
tail -n 1 "$REPO/$FILE" | grep -q '^# edited after the fix$' || fail "the refused undo touched the file"
checks=$((checks + 1))
grep -q '^def delay_retry_failed_payments():$' "$REPO/$FILE" || fail "the refused undo took the fix back"
finish

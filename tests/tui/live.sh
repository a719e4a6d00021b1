#!/bin/sh
# Live reload: files written and git commands run while the explorer runs show without R
# (`:wait-live` waits for the watcher's reload, docs/tui-tests.md). The selection, the expanded
# folders, the source's file and cursor stay; the status line says what was reloaded; a fix
# preview whose file changed says so and refuses to apply; --no-watch turns it off; polling
# (SVCSCOPE_WATCH=poll, where inotify is missing or full) and a folder outside git work too.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=100x30
# Everything expanded, the tree scrolled, render_invoice_pdf open in the source, cursor moved.
run_script <<'KEYS'
:wait-loaded
*
j
j
j
j
j
j
j
j
j
j
j
j
j
j
j
j
j
j
j
j
j
j
k
k
k
k
k
k
<Enter>
<Tab>
j
j
j
j
:save-display before
:exec printf 'from services.billing.invoices import _x\n' > demo/orders/extra.py
:wait-live
:save-display edited
:exec sed 's/^    from weasyprint import HTML$/&  # live/' demo/services/billing/invoices.py > demo/new && mv demo/new demo/services/billing/invoices.py
:wait-live
:save-display source_edited
:exec mkdir demo/orders/more && printf 'X = 1\n' > demo/orders/more/late.py
:wait-live
:exec printf 'from services.billing.payments import _y\n' >> demo/orders/more/late.py
:wait-live
:save-display new_folder
:exec cd demo && git add orders/extra.py
:wait-live
:save-display added
:exec cd demo && git add -A && git commit -q -m extra && git checkout -q HEAD~1
:wait-live
:save-display checkout
KEYS
expect_status 0
expect_screen live_edited edited
expect_in_screen edited "reloaded: orders/extra.py changed"
expect_in_screen edited "orders/extra.py:1"
# What the panes showed is kept: the same tree rows and source lines as before the edit.
checks=$((checks + 1))
[ "$(sed -n 1,17p "$WORK/before")" = "$(sed -n 1,17p "$WORK/edited")" ] ||
    fail "the tree and the source moved on a live reload:
$(diff "$WORK/before" "$WORK/edited")"
# The open file, saved by renaming over it as editors do, is read again where it was.
expect_in_screen source_edited "reloaded: services/billing/invoices.py changed"
expect_in_screen source_edited "from weasyprint import HTML  # live"
checks=$((checks + 1))
[ "$(sed -n 1,17p "$WORK/before" | cut -c1-37)" = "$(sed -n 1,17p "$WORK/source_edited" | cut -c1-37)" ] ||
    fail "the tree moved when the open file changed"
expect_in_screen new_folder "orders/more/late.py:2"
expect_in_screen added "reloaded: git index changed"
expect_in_screen checkout "(detached)"
# orders/extra.py, orders/more/late.py and the edit of invoices.py go
expect_in_screen checkout "reloaded: HEAD moved, 3 files changed"
expect_in_screen checkout "reloaded: HEAD moved"
checks=$((checks + 1))
! grep -qF "orders/extra.py" "$WORK/checkout" || fail "the checkout's removal of orders/extra.py does not show"

# A checkout of 200 files: one reload, which counts them.
demo_repo_again() { rm -rf "$REPO"; demo_repo; }
demo_repo_again
git -C "$REPO" checkout -q -b bulk
i=0
while [ $i -lt 200 ]; do
    printf 'VALUE = %d\n' $i > "$REPO/orders/bulk_$i.py"
    i=$((i + 1))
done
git -C "$REPO" add -A && git -C "$REPO" commit -q -m bulk && git -C "$REPO" checkout -q main
run_script <<'KEYS'
:wait-loaded
:exec cd demo && git checkout -q bulk
:wait-live
:save-display bulk
KEYS
expect_status 0
expect_in_screen bulk "reloaded: HEAD moved, 200 files changed"
expect_in_screen bulk "bulk@"

# A fix preview whose file changes says so, and applying it is refused; closed, the reload shows.
demo_repo_again
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC404
<Enter>
<Enter>
f
:exec printf '# changed elsewhere\n' >> demo/services/tasks/billing_tasks.py
:wait-live
:save-display stale
a
:save-display refused
<Esc>
:wait-loaded
:save-display after
KEYS
expect_status 0
expect_in_screen stale "services/tasks/billing_tasks.py changed since this preview"
expect_in_screen refused "not applied:"
checks=$((checks + 1))
[ "$(tail -n 1 "$REPO/services/tasks/billing_tasks.py")" = "# changed elsewhere" ] ||
    fail "the refused fix changed services/tasks/billing_tasks.py"
checks=$((checks + 1))
! grep -qF "changed since this preview" "$WORK/after" || fail "the preview is still open after Esc"

# --no-watch: nothing follows the files; :wait-live says so.
run_script --no-watch "$REPO" <<'KEYS'
:wait-loaded
:exec printf 'X = 2\n' > demo/orders/off.py
:wait-live
KEYS
expect_status 2
expect_err "not following changes"

# Polling, as where inotify is missing or its watch limit is reached.
SVCSCOPE_WATCH=poll run_script <<'KEYS'
:wait-loaded
:exec printf 'from services.billing.invoices import _z\n' > demo/orders/polled.py
:wait-live
:save-display polled
:exec cd demo && git add orders/polled.py
:wait-live
:save-display polled_added
KEYS
expect_status 0
expect_in_screen polled "reloaded: orders/polled.py changed"
expect_in_screen polled "orders/polled.py:1"
expect_in_screen polled_added "reloaded: git index changed"

# The inotify watch limit reached (here a limit of 3 set for the test): it says so once and polls.
SVCSCOPE_DEBUG_WATCH_LIMIT=3 run_script <<'KEYS'
:wait-loaded
:save-display limited
:exec printf 'from services.billing.invoices import _v\n' > demo/orders/limited.py
:wait-live
:save-display limited_edit
KEYS
expect_status 0
expect_in_screen limited "inotify watch limit reached: polling every 1 s"
expect_in_screen limited_edit "reloaded: orders/limited.py changed"

# A project that does not load: repairing it from outside loads it.
cp "$REPO/pyproject.toml" "$WORK/pyproject.toml"
printf '[tool.svcscope]\nservices-root = 3\n' >> "$REPO/pyproject.toml"
run_script <<'KEYS'
:wait-loaded
:save-display broken
:exec cp pyproject.toml demo/pyproject.toml
:wait-live
:save-display repaired
KEYS
expect_status 0
expect_in_screen broken "could not load"
expect_in_screen repaired "reloaded: pyproject.toml changed"
expect_in_screen repaired "errors,"

# A folder removed and restored, then the whole project removed: followed, and no crash.
demo_repo_again
run_script <<'KEYS'
:wait-loaded
:exec rm -rf demo/orders
:wait-live
:save-display removed
:exec cd demo && git checkout -q -- orders
:wait-live
:save-display restored
:exec printf 'from services.billing.invoices import _q\n' >> demo/orders/views.py
:wait-live
:save-display restored_edit
:exec rm -rf demo
:wait-live
:save-display gone
KEYS
expect_status 0
checks=$((checks + 1))
! grep -qF "orders/views.py" "$WORK/removed" || fail "the findings of the removed orders/ are still shown"
expect_in_screen restored "reloaded: folders changed, git index changed"
expect_in_screen restored "orders/views.py"
expect_in_screen restored_edit "reloaded: orders/views.py changed"
expect_in_screen gone "could not load"
demo_repo_again

# A folder that is not a git repository.
rm -rf "$REPO/.git"
run_script <<'KEYS'
:wait-loaded
:exec printf 'from services.billing.invoices import _w\n' > demo/orders/plain.py
:wait-live
:save-display plain
KEYS
expect_status 0
expect_in_screen plain "orders/plain.py:1"
finish

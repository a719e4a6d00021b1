#!/bin/sh
# f on the finding at the source cursor shows the diff of its fix (svc_fix_diff) over the panes:
# scrollable, its lines coloured (and marked by their +/- column without colour), laid out again
# on a resize, scrolled down and sideways; Esc closes it and nothing is written.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=100x30
# The SVC404 finding of services/tasks/billing_tasks.py, shown in the source (Enter), then f.
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC404
<Enter>
<Enter>
f
:save-display fix_preview
:save-attrs fix_preview_attrs
:resize 60x16
:save-display fix_preview_small
G
:save-display fix_preview_end
l
:save-display fix_preview_right
h
:resize 100x30
<Esc>
:save-display fix_preview_closed
KEYS
expect_status 0
expect_screen fix_preview
expect_screen fix_preview_small
expect_screen fix_preview_end
expect_screen fix_preview_right
expect_screen fix_preview_closed
expect_in_screen fix_preview "+def delay_retry_failed_payments():"
expect_in_screen fix_preview_closed "nothing was changed"

# attr_at SCREEN ATTRS TEXT COLUMN: the attribute letter of the cell COLUMN (1-based) of the row
# showing TEXT.
attr_at() {
    row=$(grep -nF -- "$3" "$WORK/$1" | head -n 1 | cut -d: -f1)
    [ -n "$row" ] && sed -n "${row}p" "$WORK/$2" | cut -c "$4"
}
# The added lines have a colour; without colour (the next run) they are bold.
checks=$((checks + 1))
[ "$(attr_at fix_preview fix_preview_attrs '+def delay_retry_failed_payments' 3)" = C ] ||
    fail "the added line of the diff has no colour"

NO_COLOR=1 run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC404
<Enter>
<Enter>
f
:save-display fix_preview_mono
:save-attrs fix_preview_mono_attrs
KEYS
expect_status 0
checks=$((checks + 1))
[ "$(attr_at fix_preview_mono fix_preview_mono_attrs '+def delay_retry_failed_payments' 3)" = b ] ||
    fail "without colour, the added line of the diff is not bold"
checks=$((checks + 1))
[ "$(attr_at fix_preview_mono fix_preview_mono_attrs '@@ ' 3)" = u ] ||
    fail "without colour, the hunk header is not underlined"

# Previewing writes nothing.
checks=$((checks + 1))
[ -z "$(git -C "$REPO" status --porcelain)" ] || fail "the preview changed the repository: $(git -C "$REPO" status --porcelain)"
finish

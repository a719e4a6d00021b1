#!/bin/sh
# Rows that cannot be mistaken for one another: paths that differ only in a middle folder read
# differently in the tree and the problems; long rows scroll sideways (h/l in the problems, < > in
# the tree); without UTF-8 every marker has an ASCII stand-in of its own; the source's cursor is
# a whole row; a fix that moves a file points at where the file went.
. "$TOP_SRCDIR/tests/tui/lib.sh"

# Two tasks in files that differ only in a folder deep in their paths, outside any services package.
REPO="$WORK/vendored"
for kind in asynchronous synchronous; do
    mkdir -p "$REPO/vendor/messaging/kombu/transport/$kind"
    cat > "$REPO/vendor/messaging/kombu/transport/$kind/transport.py" <<PY
from celery import shared_task


@shared_task
def drain_${kind}_events():
    return None
PY
done
git_commit_all "vendored"

run_script <<'KEYS'
:wait-loaded
*
:save-display middle_tree
<Tab>
<Tab>
:save-display middle_problems
llllllllllll
:save-display middle_problems_scrolled
hhhhhhhhhhhh
<S-Tab>
<S-Tab>
>>>>
:save-display middle_tree_scrolled
KEYS
expect_status 0
expect_screen middle_tree
expect_screen middle_problems
expect_screen middle_problems_scrolled
expect_screen middle_tree_scrolled
# The folder that tells the two files apart survives the elision, in both panes.
expect_in_screen middle_tree "…/asyn…/transport.py"
expect_in_screen middle_tree "…/sync…/transport.py"
expect_in_screen middle_problems "/asynchronous/transport.py:5:5"
expect_in_screen middle_problems "/synchronous/transport.py:5:5"
# Scrolled sideways, the rest of the rows shows: the message's end, the path's root.
expect_in_screen middle_problems_scrolled "move it to \`services/tasks"
expect_in_screen middle_tree_scrolled "onous_events  no wrapper"
checks=$((checks + 1))
for screen in middle_tree middle_problems; do
    rows=$(grep -c 'transport\.py' "$WORK/$screen")
    distinct=$(grep 'transport\.py' "$WORK/$screen" | sort -u | wc -l)
    [ "$rows" -ge 2 ] && [ "$rows" = "$distinct" ] || fail "$screen shows two rows alike"
done

# Without UTF-8: ASCII markers, one per meaning (task, wrapper, exception, def, class, open and
# closed folders, fixed), and an ASCII ellipsis.
demo_repo
SCREEN=100x200 LC_ALL=C run_script <<'KEYS'
:wait-loaded
*
:save-display ascii_tree
KEYS
expect_status 0
expect_screen ascii_tree
checks=$((checks + 1))
! LC_ALL=C grep -q '[^ -~]' "$WORK/ascii_tree" || fail "non-ASCII text on a screen drawn without UTF-8"
expect_in_screen ascii_tree "* task "
expect_in_screen ascii_tree "> wrap "
expect_in_screen ascii_tree "x exc "
expect_in_screen ascii_tree "f def "
expect_in_screen ascii_tree "o class "
expect_in_screen ascii_tree "- services"

# The cursor line is marked across the whole source row, in colour and in monochrome.
run_script <<'KEYS'
:wait-loaded
]
:save-display cursor_line
:save-attrs cursor_line_attrs
KEYS
expect_status 0
expect_screen cursor_line
expect_screen cursor_line_attrs cursor_line_attrs
# The cursor's row is the one above the finding's message ("└ ..."); the source pane (the right
# 51 columns at 80) has a colour in every cell of it, spaces too, and in monochrome is in reverse.
checks=$((checks + 1))
row=$(awk '/└/ { print NR - 1; exit }' "$WORK/cursor_line")
[ -n "$row" ] && sed -n "${row}p" "$WORK/cursor_line_attrs" | grep -q '[A-Z]\{50\}$' ||
    fail "the cursor row is not marked across the source pane: $(sed -n "${row}p" "$WORK/cursor_line_attrs")"
NO_COLOR=1 run_script <<'KEYS'
:wait-loaded
]
:save-attrs cursor_line_mono
KEYS
checks=$((checks + 1))
sed -n "${row}p" "$WORK/cursor_line_mono" | grep -q '[rbud]\{50\}$' &&
    sed -n "${row}p" "$WORK/cursor_line_mono" | grep -q 'r\{20\}' ||
    fail "the cursor row is not in reverse across the source pane in monochrome"

# A fix that moves a file: its ✓ row in the problems points at the new path, and opens it.
SCREEN=120x30
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC103
<Enter>
f
A
:wait-loaded
G
:save-display moved_problems
<Enter>
:save-display moved_opened
KEYS
expect_status 0
expect_screen moved_problems
expect_screen moved_opened
expect_in_screen moved_problems "✓ SVC103 …/tests/test_credentials.py:1:1  fixed"
expect_in_screen moved_opened "Source  services/integrations/tests/test_credentials.py:1"
expect_in_screen moved_opened "✓ fixed SVC103 Move"
# Definitions of one name in different files: each says which file it is in, so the rows differ.
REPO="$WORK/repo_same_names"
mkdir -p "$REPO/jobs"
for name in nightly weekly; do
    cat > "$REPO/jobs/$name.py" <<PY
from celery import shared_task


@shared_task
def run():
    return None
PY
done
git_commit_all "same names"
SCREEN=120x30
run_script <<'KEYS'
:wait-loaded
*
:save-display same_names
KEYS
expect_status 0
expect_in_screen same_names "◆ task run  in nightly.py"
expect_in_screen same_names "◆ task run  in weekly.py"
finish

#!/bin/sh
# A hostile repository in the explorer: file names, a source line, a Celery name and a fix diff
# that hold escape sequences are drawn as visible escapes in reverse video (\033, \a, \r, \b,
# \302\233, \377), never handed to the terminal, and the columns after them stay aligned.
. "$TOP_SRCDIR/tests/tui/lib.sh"
. "$TOP_SRCDIR/tests/e2e/hostile_lib.sh"

hostile_repo
SCREEN=110x32
# The tree, the SVC402 finding in views.py in the source, its fix preview, then the callers of
# the wrapper and of the task.
run_script <<'KEYS'
:wait-loaded
*
:save-display hostile_tree
:save-attrs hostile_tree_attrs
<Tab>
<Tab>
/SVC402
<Enter>
<Enter>
:save-display hostile_source
f
:save-display hostile_fix
<Esc>
/delay_send
<Enter>
c
:save-display hostile_callers
KEYS
expect_status 0

# expect_no_raw_controls FILE: the saved screen holds no byte a terminal acts on
expect_no_raw_controls() {
    checks=$((checks + 1))
    why=$(raw_controls "$WORK/$1" 2>&1) || fail "screen $1: $why"
}

for screen in hostile_tree hostile_source hostile_fix hostile_callers; do expect_no_raw_controls "$screen"; done
expect_screen hostile_tree
expect_in_screen hostile_tree 'evil\033[31mred.py'
expect_in_screen hostile_tree 'osc\033]52;c;aGk=\a.py'
expect_in_screen hostile_tree 'cr\rover.py'
expect_in_screen hostile_tree 'back\bspace.py'
expect_in_screen hostile_tree 'c1\302\23331m.py'
expect_in_screen hostile_tree 'bad\377byte.py'
# the escape is in reverse video, the text around it is not
checks=$((checks + 1))
line=$(grep -n 'evil\\033' "$WORK/hostile_tree" | head -1 | cut -d: -f1)
start=$(sed -n "${line}p" "$WORK/hostile_tree" | awk '{ print index($0, "\\033") }')
attrs=$(sed -n "${line}p" "$WORK/hostile_tree_attrs" | cut -c"$((start - 1))-$((start + 4))")
case "$attrs" in
[!rR][rR][rR][rR][rR][!rR]) ;;
*) fail "the escape in the tree is not in reverse video alone: '$attrs'" ;;
esac
expect_in_screen hostile_source '_send.delay("\033]0;owned\a")'
expect_in_screen hostile_fix 'email_tasks.delay_send("\033]0;owned\a")'
expect_in_screen hostile_callers 'caller\033[31m.py'
finish

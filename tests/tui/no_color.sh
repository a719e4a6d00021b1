#!/bin/sh
# NO_COLOR and --no-color: no colour at all, meaning carried by reverse, bold and underline.
# The attribute dump has one letter per cell (upper case when a colour is set).
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
cat > "$WORK/keys" <<'KEYS'
:wait-loaded
]
:save-display screen
:save-attrs attrs
KEYS

export NO_COLOR=1
run_script < "$WORK/keys"
unset NO_COLOR
expect_status 0
expect_screen no_color screen
expect_screen no_color_attrs attrs
checks=$((checks + 1))
! grep -q '[A-Z]' "$WORK/attrs" || fail "NO_COLOR still uses colour pairs"
checks=$((checks + 1))
grep -q 'r' "$WORK/attrs" && grep -q 'u' "$WORK/attrs" || fail "no reverse selection or underlined span in mono"
mv "$WORK/attrs" "$WORK/attrs_env"

run_script --no-color "$REPO" < "$WORK/keys"
expect_status 0
checks=$((checks + 1))
cmp -s "$WORK/attrs" "$WORK/attrs_env" || fail "--no-color and NO_COLOR differ"

run_script < "$WORK/keys"
expect_status 0
checks=$((checks + 1))
grep -q '[A-Z]' "$WORK/attrs" || fail "colour is not used when allowed"
finish

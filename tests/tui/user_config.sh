#!/bin/sh
# The user settings, $XDG_CONFIG_HOME/svcscope/config.toml: [keys] rebinds requests (the key map,
# the hint line and the help all follow, and a key the user binds leaves the request that had it
# by default in that scope), theme = "mono" is NO_COLOR, "light" is another colour scheme that
# NO_COLOR and --no-color still turn off, and a bad file stops the explorer before the terminal is
# touched, exit 2, with the file, line and key.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
export XDG_CONFIG_HOME="$WORK/xdg"
CONFIG="$XDG_CONFIG_HOME/svcscope/config.toml"
mkdir -p "$XDG_CONFIG_HOME/svcscope"

# ---- keys: the user's keys do the requests, and the defaults they replace do not ------------
cat > "$CONFIG" <<'TOML'
# ] is free after this: next-violation has only C-n
[keys]
next-violation = "<C-n>"
callers = "c e"          # e is taken from edit, which is left without a key
move-down = "<Down> J"   # j no longer moves
quit = "q <C-c>"         # Q no longer quits
TOML
SCREEN=100x30
run_script <<'KEYS'
:wait-loaded
:save-display before
]
Q
j
:save-display after_n
<C-n>
:save-display rebound
:resize 140x30
:save-display rebound_wide
KEYS
expect_status 0
checks=$((checks + 1))
[ -f "$WORK/after_n" ] || fail "Q quit the explorer: it is not bound any more"
checks=$((checks + 1))
cmp -s "$WORK/before" "$WORK/after_n" || fail "], Q or j still did something: $(diff "$WORK/before" "$WORK/after_n")"
# The jump ] makes by default, with the user's key in the hints.
expect_screen user_config_rebound rebound
# All but the hint line is what ] shows by default (tests/tui/next_violation.sh).
checks=$((checks + 1))
sed '$d' "$EXPECTED_DIR/next_first.screen" > "$WORK/next_first"
normalize_screen "$WORK/rebound" | sed '$d' | diff -u "$WORK/next_first" - >&2 ||
    fail "<C-n> did not do what ] does by default"
expect_in_screen rebound_wide "C-n next finding"
checks=$((checks + 1))
! grep -q ' e edit' "$WORK/rebound" || fail "the hint line still shows e for edit"

# ---- the help lists the keys in effect ---------------------------------------------------------
SCREEN=80x40
run_script <<'KEYS'
:wait-loaded
?
:save-display help
J
:save-display help_scrolled
<Esc>
KEYS
expect_status 0
expect_screen user_config_help help
expect_in_screen help "keys (Esc closes, Down/k scroll)"
expect_in_screen help "C-n               Jump to the next finding the problems show"
expect_in_screen help "(no key)          Open \$EDITOR at the line, then reload"
expect_in_screen help "c, e              Show who calls the task"
expect_in_screen help_scrolled "│ Everywhere"
checks=$((checks + 1))
! cmp -s "$WORK/help" "$WORK/help_scrolled" || fail "J (bound to move-down) did not scroll the help"

# ---- themes -----------------------------------------------------------------------------------
cat > "$WORK/keys" <<'KEYS'
:wait-loaded
]
:save-display screen
:save-attrs attrs
KEYS
printf 'theme = "mono"\n' > "$CONFIG"
SCREEN=80x24
run_script < "$WORK/keys"
expect_status 0
checks=$((checks + 1))
! grep -q '[A-Z]' "$WORK/attrs" || fail "theme mono still uses colour pairs"
mv "$WORK/attrs" "$WORK/attrs_mono"
# mono is exactly what NO_COLOR gives (tests/tui/no_color.sh)
rm -f "$CONFIG"
export NO_COLOR=1
run_script < "$WORK/keys"
unset NO_COLOR
expect_status 0
checks=$((checks + 1))
cmp -s "$WORK/attrs_mono" "$WORK/attrs" || fail "theme mono differs from NO_COLOR"
expect_screen no_color_attrs attrs_mono

run_script < "$WORK/keys"
mv "$WORK/attrs" "$WORK/attrs_default"
printf 'theme = "light"\n' > "$CONFIG"
run_script < "$WORK/keys"
expect_status 0
expect_screen no_color screen
checks=$((checks + 1))
grep -q '[A-Z]' "$WORK/attrs" || fail "theme light uses no colour"
checks=$((checks + 1))
! cmp -s "$WORK/attrs" "$WORK/attrs_default" || fail "theme light looks the same as the default theme"
# NO_COLOR and --no-color win over the file
export NO_COLOR=1
run_script < "$WORK/keys"
unset NO_COLOR
checks=$((checks + 1))
cmp -s "$WORK/attrs_mono" "$WORK/attrs" || fail "NO_COLOR does not win over theme light"
run_script --no-color "$REPO" < "$WORK/keys"
checks=$((checks + 1))
cmp -s "$WORK/attrs_mono" "$WORK/attrs" || fail "--no-color does not win over theme light"

# ---- a bad file: exit 2, path:line: key: reason on stderr, nothing drawn -------------------------
# bad_file LINE MESSAGE: the explorer refuses $CONFIG with "svcscope: $CONFIG:LINE: MESSAGE".
bad_file() {
    rm -f "$WORK/never"
    run_script <<'KEYS'
:save-display never
KEYS
    expect_status 2
    expect_err "svcscope: $CONFIG:$1: $2"
    checks=$((checks + 1))
    [ -z "$OUT" ] && [ ! -f "$WORK/never" ] || fail "the explorer started with a bad $CONFIG (stdout: $OUT)"
}
printf 'theme = "light"\n[keys]\nquit = "q\n' > "$CONFIG"
bad_file 3 "not valid TOML"
printf 'theme = "sepia"\n' > "$CONFIG"
bad_file 1 'theme: "sepia" is not a theme (default, mono or light)'
printf '[keys]\nquit = "q"\nnext-violaton = "x"\n' > "$CONFIG"
bad_file 3 "keys: next-violaton: not an action of the explorer (did you mean next-violation?)"
printf '[keys]\nzoom = "Z <C-zz>"\n' > "$CONFIG"
bad_file 2 'keys: zoom: "<C-zz>" is not a key name'
printf '[keys]\nzoom = "zx"\n' > "$CONFIG"
bad_file 2 'keys: zoom: "zx" is not a key name'
printf '[keys]\nzoom = "x"\n\nreload = "<C-r> x"\n' > "$CONFIG"
bad_file 4 "keys: reload: x is bound to zoom too (line 2); a key does one thing in a pane"
printf '[keys]\nquit = ""\n' > "$CONFIG"
bad_file 2 "keys: quit: needs a key (nothing else leaves svcscope)"

# In a real terminal: the message, status 2, and not one escape sequence (the terminal is left
# as it was: no alternate screen, no mode changes).
# (An explorer that did start is stopped after 20 seconds: status 124.)
if command -v script >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then
    printf '[keys]\nnext-pain = "w"\n' > "$CONFIG"
    TERM=xterm-256color timeout -k 5 20 script -qec "'$SVCSCOPE' '$REPO'" /dev/null > "$WORK/tty" 2>&1 < /dev/null
    STATUS=$?
    ERR=$(cat "$WORK/tty")
    expect_status 2
    expect_err "svcscope: $CONFIG:2: keys: next-pain: not an action of the explorer (did you mean next-pane?)"
    checks=$((checks + 1))
    ! grep -q "$(printf '\033')" "$WORK/tty" || fail "escape sequences were written to the terminal: $(od -c "$WORK/tty" | head)"
fi

# A missing file is the defaults.
rm -f "$CONFIG"
run_script <<'KEYS'
:wait-loaded
KEYS
expect_status 0
finish

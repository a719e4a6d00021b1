# Screen tests of the explorer: the real binary runs headless from a key script
# (SVCSCOPE_SCRIPT, see docs/tui-tests.md) and the saved screens are compared with
# tests/tui/expected/NAME.screen. UPDATE_EXPECTED=1 rewrites the expected screens instead.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

EXPECTED_DIR="$TOP_SRCDIR/tests/tui/expected"
# The same screen everywhere: a UTF-8 locale (glyphs), colour unless a test says otherwise, and
# no user settings (HOME is a fresh folder; XDG_CONFIG_HOME is unset unless a test sets it).
export LC_ALL=C.UTF-8
unset NO_COLOR VISUAL EDITOR SVCSCOPE_SCREEN COLUMNS LINES XDG_CONFIG_HOME
SCREEN=80x24

# demo_repo: the bundled demo project as a fresh git repo in $WORK/demo
demo_repo() {
    REPO="$WORK/demo"
    cp -R "$TOP_SRCDIR/examples/demo" "$REPO"
    chmod -R u+w "$REPO" # a work tree to edit, even from a read-only source tree (make distcheck's)
    find "$REPO" -name __pycache__ -prune -exec rm -rf {} +
    git_commit_all "demo"
}

# run_script [ARGS...]: runs the explorer on $REPO (or ARGS) with the key script read from
# stdin, in $WORK so that `:save-display NAME` lands in $WORK/NAME.
run_script() {
    cat > "$WORK/script"
    if [ $# -eq 0 ]; then set -- "$REPO"; fi
    (cd "$WORK" && SVCSCOPE_SCRIPT="$WORK/script" SVCSCOPE_SCREEN="$SCREEN" "$SVCSCOPE" "$@") \
        >"$WORK/stdout" 2>"$WORK/stderr"
    STATUS=$?
    ERR=$(cat "$WORK/stderr")
    OUT=$(cat "$WORK/stdout")
}

# The short HEAD id changes with every commit of the fixture: show it as HEAD.
normalize_screen() {
    sed -e 's/@[0-9a-f]\{7,40\}/@HEAD/' "$1"
}

# expect_screen NAME [FILE]: the saved screen $WORK/FILE (default NAME) is the expected one.
expect_screen() {
    checks=$((checks + 1))
    saved="$WORK/${2:-$1}"
    expected="$EXPECTED_DIR/$1.screen"
    if [ ! -f "$saved" ]; then
        fail "no screen saved as ${2:-$1} (stderr: $ERR)"
        return
    fi
    if [ "${UPDATE_EXPECTED:-}" = 1 ]; then
        normalize_screen "$saved" > "$expected"
        return
    fi
    normalize_screen "$saved" | diff -u "$expected" - >&2 || fail "screen $1 differs from $expected"
}

# expect_in_screen FILE TEXT: the saved screen shows TEXT somewhere.
expect_in_screen() {
    checks=$((checks + 1))
    grep -qF -- "$2" "$WORK/$1" || fail "screen $1 lacks: $2
--- $1 ---
$(cat "$WORK/$1")
----------"
}

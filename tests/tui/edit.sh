#!/bin/sh
# e runs $EDITOR +LINE FILE at the line the focused pane points at, then reloads.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
cat > "$WORK/editor" <<'SH'
#!/bin/sh
printf '%s\n' "$@" > "$EDITOR_LOG"
SH
chmod +x "$WORK/editor"
export EDITOR="$WORK/editor" EDITOR_LOG="$WORK/editor.log"
run_script <<'KEYS'
:wait-loaded
]
<Tab>
e
:wait-loaded
:save-display edited
KEYS
expect_status 0
checks=$((checks + 1))
case $(sed -n 1p "$WORK/editor.log" 2>/dev/null) in
+[1-9]*) ;;
*) fail "the editor's first argument is not +LINE: $(cat "$WORK/editor.log" 2>/dev/null)" ;;
esac
checks=$((checks + 1))
[ "$(sed -n 2p "$WORK/editor.log" 2>/dev/null)" = "$REPO/accounts/helpers.py" ] ||
    fail "the editor got the file '$(sed -n 2p "$WORK/editor.log" 2>/dev/null)'"
expect_in_screen edited "accounts/helpers.py"
finish

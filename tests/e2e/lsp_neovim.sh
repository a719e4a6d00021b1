#!/bin/sh
# `svcscope lsp` in a real editor: Neovim's built-in LSP client, headless, on a copy of the demo
# (tests/e2e/lsp_neovim.lua says what is checked). SKIP (77) without nvim.
. "$(dirname "$0")/lib.sh"
command -v nvim >/dev/null 2>&1 || { echo "SKIP: no nvim (Debian package neovim)"; exit 77; }

new_repo demo
cp -R "$TOP_SRCDIR/examples/demo/." "$REPO/"
git_commit_all

RESULT="$WORK/result"
SVCSCOPE="$SVCSCOPE" REPO="$REPO" RESULT="$RESULT" XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data" \
    XDG_STATE_HOME="$WORK/state" timeout 300 nvim --headless --clean -u NONE -i NONE -n \
    -c "luafile $TOP_SRCDIR/tests/e2e/lsp_neovim.lua" </dev/null >"$WORK/nvim.out" 2>&1
status=$?
checks=$((checks + 1))
grep -qx done "$RESULT" 2>/dev/null || fail "nvim did not finish the script (status $status): $(cat "$WORK/nvim.out" "$RESULT" 2>/dev/null)"
while IFS= read -r line; do
    case $line in
    ok\ *) checks=$((checks + 1)) ;;
    FAIL\ *) checks=$((checks + 1)); fail "${line#FAIL }" ;;
    esac
done <"$RESULT"
finish

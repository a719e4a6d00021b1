#!/bin/sh
# `svcscope lsp` spoken to by a protocol client (tests/e2e/lsp_client.py) on a copy of the demo:
# lifecycle and exit statuses, errors for garbage, diagnostics (on open, unsaved changes, files
# changed on disk), definition, hover, code actions, symbols and incoming calls.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }

run lsp --help
expect_status 0
expect_out "usage: svcscope lsp"

new_repo demo
cp -R "$TOP_SRCDIR/examples/demo/." "$REPO/"
git_commit_all

checks=$((checks + 1))
python3 "$TOP_SRCDIR/tests/e2e/lsp_client.py" "$SVCSCOPE" "$REPO" || fail "the protocol client's checks (above)"
finish

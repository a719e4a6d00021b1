#!/bin/sh
# Unreadable files and folders (chmod 000): a warning naming each, exit status 2 for check, and
# nothing written. Permissions do not stop root, so as root svcscope runs as the user nobody
# (setpriv); where neither works the test cannot run and says so (exit 77).
. "$TOP_SRCDIR/tests/e2e/bad_input_lib.sh"

fixture_repo

write orders/secret.py 'from services.integrations.google_calendar.credentials import get_credentials
'
mkdir -p "$REPO/orders/private"
write orders/private/hidden.py 'x = 1
'
chmod 000 "$REPO/orders/secret.py" "$REPO/orders/private"
if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null 2>&1 || { echo "$TEST_NAME: running as root without setpriv: cannot drop the permissions chmod 000 needs"; exit 77; }
    RUN_AS="setpriv --reuid=65534 --regid=65534 --clear-groups --"
    git config --global --add safe.directory '*'
    chown -R 65534:65534 "$WORK"
    chmod 755 "$WORK"
    $RUN_AS "$SVCSCOPE" --version >/dev/null 2>&1 ||
        { echo "$TEST_NAME: the user nobody cannot run $SVCSCOPE"; exit 77; }
fi
if ${RUN_AS-} cat "$REPO/orders/secret.py" >/dev/null 2>&1; then
    echo "$TEST_NAME: chmod 000 does not stop reads here"
    exit 77
fi
before "$REPO"
run check "$REPO"
result "an unreadable file and folder (chmod 000)"
expect_status 2
expect_warning "orders/secret.py: Permission denied"
expect_warning "orders/private: cannot list the folder (Permission denied), skipped"
expect_err "svcscope: 2 files or folders could not be read (exit status 2)"
expect_out "orders/views.py:1:"
expect_unchanged "$REPO" "check with unreadable files"
run fix "$REPO"
result "fix with an unreadable file and folder"
expect_status 1
expect_warning "orders/secret.py: Permission denied"
git -C "$REPO" checkout -q -- orders/views.py
chmod 755 "$REPO/orders/private"
chmod 644 "$REPO/orders/secret.py"
chmod 000 "$REPO/orders/views.py"
run fix "$REPO"
result "fix of an unreadable file"
expect_status 1
expect_warning "orders/views.py: Permission denied"
chmod 644 "$REPO/orders/views.py"
chmod 000 "$REPO"
run check "$REPO"
result "an unreadable project folder"
expect_status 2
chmod 755 "$REPO"
chmod 755 "$REPO/orders/private"
chmod 644 "$REPO/orders/secret.py" "$REPO/orders/views.py"
rm -rf "$REPO/orders/secret.py" "$REPO/orders/private"

finish

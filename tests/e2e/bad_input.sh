#!/bin/sh
# A bad pyproject.toml (exit 2 with file:line: key: reason, for every command), and a file system
# nobody cleaned: symlink loops and links out of the project, FIFOs (unreadable files and folders:
# bad_input_unreadable.sh).
# Nothing is ever written. (A file deleted or replaced while svcscope reads it cannot be timed from
# a shell: tests/unit/test_source_errors.c covers it on the core's source.)
. "$TOP_SRCDIR/tests/e2e/bad_input_lib.sh"

fixture_repo

# bad_config NAME CONTENT EXPECTED...: every command exits 2 naming the file, line and key, and
# writes nothing
bad_config() {
    name=$1
    printf '%s' "$2" > "$REPO/pyproject.toml"
    shift 2
    before "$REPO"
    for cmd in check tree fix "fix --diff" "fix --stage"; do
        # shellcheck disable=SC2086
        run $cmd "$REPO"
        [ "$cmd" = check ] && result "bad pyproject.toml: $name"
        expect_status 2
        for want in "$@"; do expect_err "$want"; done
    done
    expect_unchanged "$REPO" "svcscope with a bad pyproject.toml ($name)"
}

bad_config "not TOML" '[tool.svcscope
select = ["SVC2"
' "svcscope: pyproject.toml:1: not valid TOML"
bad_config "unknown key" '[project]
name = "x"

[tool.svcscope]
max_task_statements = 3
' 'pyproject.toml:5: unknown key "max_task_statements" in [tool.svcscope] (did you mean "max-task-statements"?)'
bad_config "wrong type" '[tool.svcscope]
select = "SVC2"
' "pyproject.toml:2: select: expected an array of strings"
bad_config "max-file-size = 0" '[tool.svcscope]
max-file-size = 0
' "pyproject.toml:2: max-file-size: 0 is out of range (1 byte to 1 GiB)"
bad_config "max-file-size = \"lots\"" '[tool.svcscope]
max-file-size = "lots"
' 'pyproject.toml:2: max-file-size: expected a size such as 10485760 or "10 MiB"'
bad_config "a 5000-byte exclude" "[tool.svcscope]
exclude = [\"$(python3 -c 'print("*" * 5000)')\"]
" "pyproject.toml:2: exclude: a pattern longer than 4096 bytes"
bad_config "not UTF-8" "$(printf '[tool.svcscope]\nexclude = ["caf\351"]\n')" "pyproject.toml:2: not valid UTF-8"
printf '[tool.svcscope]\nselect = ["SVC\000"]\n' > "$REPO/pyproject.toml"
run check "$REPO"
result "bad pyproject.toml: a NUL byte"
expect_status 2
expect_err "pyproject.toml:2: not valid TOML: the file contains a NUL byte"
rm -f "$REPO/pyproject.toml"

# A pyproject.toml that is not a file: a folder, a FIFO (must not block), a dangling symlink
mkdir "$REPO/pyproject.toml"
run check "$REPO"
result "pyproject.toml is a folder"
expect_status 2
expect_err "pyproject.toml: cannot read: not a regular file"
rmdir "$REPO/pyproject.toml"
mkfifo "$REPO/pyproject.toml"
before "$REPO"
run check "$REPO"
result "pyproject.toml is a FIFO"
expect_status 2
expect_err "pyproject.toml: cannot read: not a regular file"
run tree "$REPO/orders"
expect_status 2
expect_unchanged "$REPO" "svcscope with a FIFO pyproject.toml"
rm -f "$REPO/pyproject.toml"
ln -s nowhere.toml "$REPO/pyproject.toml"
run check "$REPO"
result "pyproject.toml is a dangling symlink"
expect_status 1
rm -f "$REPO/pyproject.toml"

# ---- symlink loops and links out of the project: never followed, never a hang
ln -s . "$REPO/services/loop"
ln -s loop_b "$REPO/orders/loop_a"
ln -s loop_a "$REPO/orders/loop_b"
ln -s .. "$REPO/orders/up"
ln -s / "$REPO/orders/root"
ln -s nowhere.py "$REPO/orders/dangling.py"
ln -s views.py "$REPO/orders/alias.py"
mkfifo "$REPO/orders/pipe.py"
before "$REPO"
run check "$REPO"
result "symlink loops (ln -s . loop), links out, a dangling link, a FIFO .py"
expect_status 1
expect_out "orders/views.py:1:"
expect_no_out "loop"
expect_no_out "alias.py"
run tree "$REPO"
expect_status 0
run fix --diff "$REPO"
expect_status 1
expect_unchanged "$REPO" "svcscope with symlink loops"
cp -R "$REPO" "$WORK/plain" 2>/dev/null
rm -rf "$WORK/plain/.git"
before "$WORK/plain"
run check "$WORK/plain"
result "symlink loops in a folder that is not a git repo"
expect_status 1
expect_out "orders/views.py:1:"
expect_unchanged "$WORK/plain" "svcscope with symlink loops outside git"
run fix "$REPO"
expect_status 0
checks=$((checks + 1))
[ -L "$REPO/orders/alias.py" ] && [ -L "$REPO/services/loop" ] && [ -p "$REPO/orders/pipe.py" ] ||
    fail "fix replaced a symlink or a FIFO"
git -C "$REPO" checkout -q -- .
rm -f "$REPO/services/loop" "$REPO"/orders/loop_a "$REPO"/orders/loop_b "$REPO/orders/up" "$REPO/orders/root" \
    "$REPO/orders/dangling.py" "$REPO/orders/alias.py" "$REPO/orders/pipe.py"
rm -rf "$WORK/plain"

# ---- what is not there
run check "$WORK/does-not-exist"
result "a PATH that does not exist"
expect_status 2
expect_err "does-not-exist: No such file or directory"
run check "$REPO/orders/views.py"
expect_status 1
expect_out "orders/views.py:1:"

finish

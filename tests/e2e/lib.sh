# Shared helpers for the end-to-end tests: real git repos in a temporary folder,
# the real binary, and assertions that say what differed.
set -u
: "${SVCSCOPE:?run through make check}"
: "${TOP_SRCDIR:?run through make check}"
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/svcscope-e2e-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME="$WORK/home"
mkdir -p "$HOME"
failures=0
checks=0

# write PATH CONTENT: a file of the fixture repo (under $REPO)
write() {
    mkdir -p "$REPO/$(dirname "$1")"
    printf '%s' "$2" > "$REPO/$1"
}

new_repo() {
    REPO="$WORK/${1:-repo}"
    mkdir -p "$REPO"
}

git_commit_all() {
    git -C "$REPO" -c init.defaultBranch=main init -q
    git -C "$REPO" add -A
    git -C "$REPO" commit -q -m "${1:-initial}"
}

# run ARGS...: runs svcscope, capturing stdout in $OUT, stderr in $ERR and status in $STATUS
run() {
    OUT=$("$SVCSCOPE" "$@" 2>"$WORK/stderr")
    STATUS=$?
    ERR=$(cat "$WORK/stderr")
}

fail() {
    failures=$((failures + 1))
    printf 'FAIL %s: %s\n' "$TEST_NAME" "$1" >&2
}

expect_status() {
    checks=$((checks + 1))
    [ "$STATUS" -eq "$1" ] || fail "expected exit $1, got $STATUS (stderr: $ERR)"
}

expect_out() {
    checks=$((checks + 1))
    printf '%s\n' "$OUT" | grep -qF -- "$1" || fail "stdout lacks: $1
--- stdout ---
$OUT
--------------"
}

expect_no_out() {
    checks=$((checks + 1))
    ! printf '%s\n' "$OUT" | grep -qF -- "$1" || fail "stdout should not contain: $1"
}

expect_err() {
    checks=$((checks + 1))
    printf '%s\n' "$ERR" | grep -qF -- "$1" || fail "stderr lacks: $1 (stderr: $ERR)"
}

# expect_same FILE: stdout equals the file's content
expect_same() {
    checks=$((checks + 1))
    printf '%s\n' "$OUT" | diff -u "$1" - >&2 || fail "stdout differs from $1"
}

# skip_part REASON: a part of the test cannot run here (a tool scripts/setup installs is missing).
# The rest still runs; unless something failed, the test then reports SKIP (77), not PASS.
skipped_parts=
skip_part() {
    echo "$TEST_NAME: cannot run: $1"
    skipped_parts="$skipped_parts; $1"
}

finish() {
    if [ "$failures" -gt 0 ]; then
        echo "$TEST_NAME: $failures of $checks checks failed"
        exit 1
    fi
    if [ -n "$skipped_parts" ]; then
        echo "$TEST_NAME: $checks checks passed, but parts could not run${skipped_parts}"
        exit 77
    fi
    echo "$TEST_NAME: $checks checks passed"
    exit 0
}

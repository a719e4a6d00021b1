# Helpers of the bad-input suites (bad_input*.sh): repositories nobody has cleaned, and the
# promise that svcscope neither crashes, hangs nor writes anything it was not asked to.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

# No test may hang: every run is cut at this many seconds (a hang is a failure, not a stall).
RUN_TIMEOUT=${RUN_TIMEOUT:-60}
# SVCSCOPE_SKIP_SLOW=1 leaves out the slow parts (the 50 MB file, the 50 MB staircase).
SKIP_SLOW=${SVCSCOPE_SKIP_SLOW:-0}

# run ARGS...: as lib.sh's run, under a timeout; a crash (signal) or a timeout is a failure
# (as the user RUN_AS names, when it is set: bad_input_unreadable.sh)
run() {
    # shellcheck disable=SC2086
    OUT=$(timeout -k 5 "$RUN_TIMEOUT" ${RUN_AS-} "$SVCSCOPE" "$@" 2>"$WORK/stderr")
    STATUS=$?
    ERR=$(cat "$WORK/stderr")
    if [ "$STATUS" -eq 124 ] || [ "$STATUS" -eq 137 ]; then
        fail "svcscope $* did not finish within $RUN_TIMEOUT s"
    elif [ "$STATUS" -gt 2 ]; then
        fail "svcscope $* ended with status $STATUS (a crash?): $ERR"
    fi
}

# snapshot DIR: every path under DIR with the hash of each readable regular file, the git index,
# and what git sees (without letting git refresh the index): what "nothing written" compares.
# .git/svcscope and a submodule's .git/modules/*/svcscope (the facts cache and undo record, never
# seen by git) are left out.
snapshot() {
    (
        cd "$1" || exit 1
        prune='( -path ./.git/svcscope -o -path ./.git/modules/*/svcscope -o -path ./.git/objects -o -path ./.git/logs -o -path ./.git/hooks ) -prune'
        # shellcheck disable=SC2086
        find . $prune -o -print 2>/dev/null | LC_ALL=C sort
        # shellcheck disable=SC2086
        find . $prune -o -type f -readable -print0 2>/dev/null | xargs -0 -r cksum | LC_ALL=C sort -k 3
        if [ -e .git ]; then git --no-optional-locks status --porcelain --untracked-files=no 2>&1; fi
    )
}

# before DIR / expect_unchanged DIR WHAT: nothing under DIR changed in between
before() {
    snapshot "$1" > "$WORK/snapshot.before"
}

expect_unchanged() {
    checks=$((checks + 1))
    snapshot "$1" > "$WORK/snapshot.after"
    diff -u "$WORK/snapshot.before" "$WORK/snapshot.after" >&2 || fail "$2 wrote to $1"
}

# A small project with one fixable finding (SVC201 in orders/views.py), committed, in $REPO.
fixture_repo() {
    new_repo "${1:-repo}"
    write services/__init__.py ''
    write services/integrations/__init__.py ''
    write services/integrations/tests/__init__.py ''
    write services/integrations/google_calendar/__init__.py 'from .credentials import get_credentials
'
    write services/integrations/google_calendar/credentials.py 'def get_credentials(user):
    return user
'
    write orders/__init__.py ''
    write orders/models.py 'from django.db import models


class Order(models.Model):
    pass
'
    write orders/views.py 'from services.integrations.google_calendar.credentials import get_credentials


def signup(request):
    return get_credentials(request.user)
'
    git_commit_all
}

# expect_warning TEXT: stderr has a "svcscope: warning:" line with TEXT
expect_warning() {
    checks=$((checks + 1))
    printf '%s\n' "$ERR" | grep -F "svcscope: warning:" | grep -qF -- "$1" || fail "no warning about: $1 (stderr: $ERR)"
}

# result INPUT: logs what the last run answered (the suite's results table, in the test's .log)
result() {
    printf 'RESULT | %s | %s | %s |\n' "$1" "$(printf '%s\n' "$ERR" | head -n 1)" "$STATUS"
}

#!/bin/sh
# Closing the terminal while a fix is being written: `svcscope fix` gets SIGHUP at moments spread
# over a whole run, 30 times, on a 600 kB file; then the explorer's fix (f, a), 5 times. After
# each, the file is byte for byte the old or the new version, never half; with --stage the index
# entry goes with it; and no temp file (.name.svcscope-XXXXXX) is left for git to see.
# fix_apply.c holds the signals back while a batch is written and delivers them after, so the
# process still dies of SIGHUP. SVCSCOPE_SKIP_SLOW=1 makes it 8 tries (and 1).
. "$TOP_SRCDIR/tests/e2e/lib.sh"

TRIES=30
[ "${SVCSCOPE_SKIP_SLOW:-0}" = 1 ] && TRIES=8
export SVCSCOPE_NO_CACHE=1

new_repo
write services/__init__.py ''
write services/integrations/__init__.py ''
write services/integrations/tests/__init__.py ''
write services/integrations/google_calendar/__init__.py 'from .credentials import get_credentials
'
write services/integrations/google_calendar/credentials.py 'def get_credentials(user):
    return user
'
write orders/__init__.py ''
write orders/models.py ''
python3 - "$REPO/orders/views.py" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("from services.integrations.google_calendar.credentials import get_credentials\n")
    for i in range(4000):
        f.write("\n\ndef view_%d(request):\n    return get_credentials(request.user)  # %s\n" % (i, "." * 20))
EOF
git_commit_all
cp "$REPO/orders/views.py" "$WORK/old.py"
OLD_BLOB=$(git -C "$REPO" hash-object orders/views.py)

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# hup_at_temp.py SVCSCOPE REPO DIR [ARGS]: runs `svcscope fix`, sends SIGHUP as soon as a temp file
# appears in REPO/DIR, prints the exit status as sh would
cat > "$WORK/hup_at_temp.py" <<'EOF'
import os, signal, subprocess, sys, time
exe, repo, where, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
dirs = [os.path.join(repo, where)]
p = subprocess.Popen([exe, "fix"] + args + [repo], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.monotonic() + 30
while p.poll() is None and time.monotonic() < deadline:
    try:
        if any(".svcscope-" in n for d in dirs if os.path.isdir(d) for n in os.listdir(d)):
            p.send_signal(signal.SIGHUP)
            break
    except FileNotFoundError:
        pass
p.wait()
print(128 - p.returncode if p.returncode < 0 else p.returncode)
EOF

# One run to the end: the new bytes, and how long a run takes.
start=$(now_ms)
"$SVCSCOPE" fix "$REPO" >/dev/null 2>"$WORK/stderr"
STATUS=$?
took=$(($(now_ms) - start))
ERR=$(cat "$WORK/stderr")
expect_status 0
cp "$REPO/orders/views.py" "$WORK/new.py"
NEW_BLOB=$(git -C "$REPO" hash-object orders/views.py)
checks=$((checks + 1))
! cmp -s "$WORK/old.py" "$WORK/new.py" || fail "the fix changed nothing"
echo "an undisturbed fix takes ${took} ms"

killed=0
completed=0
new_after_signal=0
i=0
while [ $i -lt "$TRIES" ]; do
    git -C "$REPO" reset -q --hard
    stage=""
    [ $((i % 2)) -eq 1 ] && stage=--stage
    # half the moments spread over the run, half over its last fifth (where the files are written)
    delay=$(awk -v i="$i" -v n="$TRIES" -v t="$took" 'BEGIN {
        h = int(n / 2); f = i < h ? (i + 0.5) / h : 0.8 + 0.25 * (i - h + 0.5) / (n - h)
        printf "%.3f", f * t / 1000 }')
    if [ $((i % 3)) -eq 2 ]; then
        # every third try: SIGHUP the moment a temp file of the batch shows up (the undo record's,
        # the first thing written, or the file's), so that some signals surely arrive while the
        # batch is being written
        where=orders
        [ $((i % 2)) -eq 0 ] && where=.git/svcscope/undo
        st=$(python3 "$WORK/hup_at_temp.py" "$SVCSCOPE" "$REPO" "$where" $stage)
        delay="(at the first temp file in $where)"
    else
        "$SVCSCOPE" fix $stage "$REPO" >/dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        kill -HUP "$pid" 2>/dev/null
        wait "$pid"
        st=$?
    fi
    case $st in
    129) killed=$((killed + 1)) ;;
    0) completed=$((completed + 1)) ;;
    *) fail "try $i ($stage, ${delay}s): svcscope fix ended with status $st" ;;
    esac
    checks=$((checks + 1))
    if cmp -s "$REPO/orders/views.py" "$WORK/old.py"; then
        want_blob=$OLD_BLOB
    elif cmp -s "$REPO/orders/views.py" "$WORK/new.py"; then
        want_blob=$NEW_BLOB
        [ "$st" = 129 ] && new_after_signal=$((new_after_signal + 1))
    else
        fail "try $i ($stage, SIGHUP after ${delay}s): orders/views.py is neither the old nor the new version"
        want_blob=none
    fi
    checks=$((checks + 1))
    left=$(find "$REPO" -name '.*.svcscope-*')
    [ -z "$left" ] || fail "try $i: a temp file is left: $left"
    checks=$((checks + 1))
    ! git -C "$REPO" status --porcelain --ignored | grep -q 'svcscope-' || fail "try $i: git sees a temp file"
    if [ -n "$stage" ] && [ "$want_blob" != none ]; then
        staged=$(git -C "$REPO" ls-files -s orders/views.py | awk '{ print $2 }')
        checks=$((checks + 1))
        [ "$staged" = "$want_blob" ] || fail "try $i: the work tree file and its index entry disagree after SIGHUP"
    fi
    i=$((i + 1))
done
echo "$TRIES tries: $killed ended by SIGHUP ($new_after_signal of them after writing the fix), $completed finished first"
checks=$((checks + 1))
[ "$killed" -gt 0 ] || fail "SIGHUP never arrived during a run (runs are too short for this test?)"

# The explorer: the same fix through its preview (f, then a), SIGHUP at moments spread over the
# run; its loader thread never takes the signal, so the batch is whole there too.
cat > "$WORK/keys" <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC201
<Enter>
<Enter>
f
a
:wait-loaded
KEYS
git -C "$REPO" reset -q --hard
start=$(now_ms)
(cd "$WORK" && SVCSCOPE_SCRIPT="$WORK/keys" SVCSCOPE_SCREEN=100x30 "$SVCSCOPE" "$REPO" >/dev/null 2>&1)
took=$(($(now_ms) - start))
checks=$((checks + 1))
cmp -s "$REPO/orders/views.py" "$WORK/new.py" || fail "the explorer's fix is not the fix of svcscope fix"
TUI_TRIES=$((TRIES / 6))
i=0
while [ $i -lt "$TUI_TRIES" ]; do
    git -C "$REPO" reset -q --hard
    delay=$(awk -v i="$i" -v n="$TUI_TRIES" -v t="$took" 'BEGIN { printf "%.3f", (0.3 + 0.7 * (i + 0.5) / n) * t / 1000 }')
    (cd "$WORK" && exec env SVCSCOPE_SCRIPT="$WORK/keys" SVCSCOPE_SCREEN=100x30 "$SVCSCOPE" "$REPO") >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -HUP "$pid" 2>/dev/null
    wait "$pid"
    checks=$((checks + 1))
    cmp -s "$REPO/orders/views.py" "$WORK/old.py" || cmp -s "$REPO/orders/views.py" "$WORK/new.py" ||
        fail "explorer try $i (SIGHUP after ${delay}s): orders/views.py is neither the old nor the new version"
    checks=$((checks + 1))
    left=$(find "$REPO" -name '.*.svcscope-*')
    [ -z "$left" ] || fail "explorer try $i: a temp file is left: $left"
    i=$((i + 1))
done
echo "the explorer: $TUI_TRIES tries over ${took} ms runs"
finish

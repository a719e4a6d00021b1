#!/bin/sh
# The facts cache and the check-only pre-filter change nothing but speed: `check --format json`
# and `tree --format json` are byte for byte what a build with neither gives, cold, warm and
# with --no-cache, on the demo (git and plain folder) and on a small generated project; after
# an edit, the warm result is the edited tree's; a damaged cache is ignored and replaced.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

# same_as_reference DIR LABEL: check and tree outputs equal the ones without cache or pre-filter
same_as_reference() {
    dir=$1
    label=$2
    SVCSCOPE_NO_CACHE=1 SVCSCOPE_NO_PREFILTER=1 "$SVCSCOPE" check --format json "$dir" >"$WORK/ref_check.json" 2>/dev/null
    SVCSCOPE_NO_CACHE=1 "$SVCSCOPE" tree --format json "$dir" >"$WORK/ref_tree.json" 2>/dev/null
    # "as is": with the cache the previous runs left (after an edit: the one-changed case)
    for mode in as-is no-cache cold warm; do
        case $mode in
            as-is) opt= ;;
            no-cache) opt=--no-cache ;;
            cold) opt= ; rm -f "$CACHE" ;;
            warm) opt= ;;
        esac
        "$SVCSCOPE" check --format json $opt "$dir" >"$WORK/check.json" 2>/dev/null
        checks=$((checks + 1))
        cmp -s "$WORK/ref_check.json" "$WORK/check.json" ||
            fail "$label: check --format json ($mode) differs from the reference: $(diff "$WORK/ref_check.json" "$WORK/check.json" | head -5)"
    done
    checks=$((checks + 1))
    [ -s "$CACHE" ] || fail "$label: no cache file at $CACHE"
    # a full build after check-only ones, then all from the cache
    for mode in after-check warm; do
        "$SVCSCOPE" tree --format json "$dir" >"$WORK/tree.json" 2>/dev/null
        checks=$((checks + 1))
        cmp -s "$WORK/ref_tree.json" "$WORK/tree.json" ||
            fail "$label: tree --format json ($mode) differs from the reference: $(diff "$WORK/ref_tree.json" "$WORK/tree.json" | head -5)"
    done
    "$SVCSCOPE" check --format json "$dir" >"$WORK/check.json" 2>/dev/null
    checks=$((checks + 1))
    cmp -s "$WORK/ref_check.json" "$WORK/check.json" || fail "$label: check after tree differs from the reference"
}

# ---- the demo, in a git repository -------------------------------------------------------
new_repo demo
cp -R "$TOP_SRCDIR/examples/demo/." "$REPO/"
# files older than the index, as in any checkout but a brand new one (else git's "racily clean"
# rule makes their blob ids untrustworthy and the warm run hashes them: right, but not the point)
find "$REPO" -type f -exec touch -d '2020-01-01 00:00:00' {} +
git_commit_all
CACHE="$REPO/.git/svcscope/facts-cache"
same_as_reference "$REPO" demo

# the stats say what came from where
rm -f "$CACHE"
SVCSCOPE_STATS=1 "$SVCSCOPE" check "$REPO" >/dev/null 2>"$WORK/stats"
checks=$((checks + 1))
grep -q " 0 from the cache" "$WORK/stats" || fail "a cold run took facts from the cache: $(cat "$WORK/stats")"
SVCSCOPE_STATS=1 "$SVCSCOPE" check "$REPO" >/dev/null 2>"$WORK/stats"
checks=$((checks + 1))
grep -q ": 0 parsed,.* 0 read" "$WORK/stats" || fail "a warm run parsed or read files: $(cat "$WORK/stats")"

# an edit shows at once: a new .delay call outside the tasks service, in a file the pre-filter
# had no reason to parse before
cat >>"$REPO/accounts/helpers.py" <<'EOF'


def resend(task):
    task.delay()
EOF
same_as_reference "$REPO" "demo after an edit"
run check "$REPO"
expect_out "accounts/helpers.py:"
expect_out "SVC402"

# a damaged cache is ignored, then replaced
printf 'this is no cache' >"$CACHE"
run check --format json "$REPO"
checks=$((checks + 1))
printf '%s\n' "$OUT" | cmp -s "$WORK/ref_check.json" - || fail "check with a damaged cache differs from the reference"
checks=$((checks + 1))
[ "$(head -c 8 "$CACHE")" = SVCFACTS ] || fail "the damaged cache was not replaced"
head -c 3000 "$CACHE" >"$CACHE.cut" && mv "$CACHE.cut" "$CACHE"
run check --format json "$REPO"
checks=$((checks + 1))
printf '%s\n' "$OUT" | cmp -s "$WORK/ref_check.json" - || fail "check with a truncated cache differs from the reference"

# SVCSCOPE_NO_CACHE and --no-cache neither read nor write it
rm -f "$CACHE"
SVCSCOPE_NO_CACHE=1 "$SVCSCOPE" check "$REPO" >/dev/null 2>&1
"$SVCSCOPE" check --no-cache "$REPO" >/dev/null 2>&1
"$SVCSCOPE" tree --no-cache "$REPO" >/dev/null 2>&1
checks=$((checks + 1))
[ ! -e "$CACHE" ] || fail "a cache was written with the cache off"

# ---- the demo as a plain folder: the cache lives under XDG_CACHE_HOME ------------------------
export XDG_CACHE_HOME="$WORK/xdg"
PLAIN="$WORK/plain"
mkdir -p "$PLAIN"
cp -R "$TOP_SRCDIR/examples/demo/." "$PLAIN/"
"$SVCSCOPE" check "$PLAIN" >/dev/null 2>&1
CACHE=$(ls "$XDG_CACHE_HOME"/svcscope/*/facts-cache 2>/dev/null | head -n 1)
checks=$((checks + 1))
[ -n "$CACHE" ] || fail "no cache under XDG_CACHE_HOME for a plain folder"
same_as_reference "$PLAIN" "plain demo"
# an edit that keeps the size (the stat may look the same within the same second)
sed -i 's/max-task-statements = 3/max-task-statements = 2/' "$PLAIN/pyproject.toml"
sed -i 's/def refund_payment(/def refund_paymenx(/' "$PLAIN/services/billing/payments.py"
same_as_reference "$PLAIN" "plain demo after an edit"
unset XDG_CACHE_HOME

# ---- a small generated project --------------------------------------------------------------
if command -v python3 >/dev/null 2>&1; then
    GEN="$WORK/gen"
    python3 "$TOP_SRCDIR/bench/generate.py" "$GEN" --scale 0.05 >/dev/null
    CACHE="$GEN/.git/svcscope/facts-cache"
    same_as_reference "$GEN" generated
    # a use of a task through a re-export, in a file nothing else made worth parsing
    lib=$(ls "$GEN"/libs/*/text_*.py "$GEN"/libs/*/*_0.py 2>/dev/null | head -n 1)
    printf '\n\ndef late(shortcuts):\n    shortcuts.enqueue.delay(1)\n' >>"$lib"
    same_as_reference "$GEN" "generated after an edit"
    run check "$GEN"
    expect_out "SVC402"
    # a use of a re-exported exception, in a file with none of the rules' words: only the pair
    # (Failure, shortcuts) says it matters, in a warm run where nothing else changed
    lib2=$(ls "$GEN"/libs/*/*.py | grep -v __init__ | grep -v "$lib" | head -n 1)
    printf '\n\nfrom libs import shortcuts\n\n\ndef fail_late():\n    raise shortcuts.Failure()\n' >>"$lib2"
    same_as_reference "$GEN" "generated after an edit that uses a re-export"
    run check "$GEN"
    expect_out "${lib2#$GEN/}"
else
    skip_part "python3 not found: the generated project part"
fi

finish

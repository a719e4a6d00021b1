#!/bin/sh
# Runs each fuzz target built by build.sh for FUZZ_SECONDS (make fuzz FUZZ_SECONDS=N). The seeds
# are fuzz/corpus/<target>/ and the saved regressions fuzz/regressions/<target>/; what the fuzzer
# learns goes to $BUILDDIR/fuzz/work/<target>/ (never into the source tree); a crash, leak or
# timeout stops the run and leaves its input in $BUILDDIR/fuzz/artifacts/.
set -u
: "${SRCDIR:?}" "${BUILDDIR:?}" "${FUZZ_SECONDS:=60}"
TARGETS=${FUZZ_TARGETS:-fuzz_facts fuzz_config fuzz_fix}
mkdir -p "$BUILDDIR/fuzz/artifacts"
status=0
for t in $TARGETS; do
    case $t in
    fuzz_config) max_len=16384 ;;
    *) max_len=65536 ;;
    esac
    work="$BUILDDIR/fuzz/work/$t"
    mkdir -p "$work"
    dict=""
    [ -f "$SRCDIR/fuzz/$t.dict" ] && dict="-dict=$SRCDIR/fuzz/$t.dict"
    seeds="$SRCDIR/fuzz/corpus/$t"
    [ -d "$SRCDIR/fuzz/regressions/$t" ] && seeds="$seeds $SRCDIR/fuzz/regressions/$t"
    # the demo project's Python is a seed too, read where it lives rather than copied
    [ "$t" = fuzz_facts ] && seeds="$seeds $SRCDIR/examples/demo"
    echo "== $t: $FUZZ_SECONDS s"
    # shellcheck disable=SC2086
    if ! "$BUILDDIR/fuzz/$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2560 -max_len=$max_len \
        -print_final_stats=1 -artifact_prefix="$BUILDDIR/fuzz/artifacts/$t-" $dict "$work" $seeds \
        2>"$BUILDDIR/fuzz/$t.log"; then
        status=1
        tail -n 60 "$BUILDDIR/fuzz/$t.log" >&2
        echo "make fuzz: $t failed; the input is in $BUILDDIR/fuzz/artifacts/ (keep it in fuzz/regressions/$t/" \
            "once fixed: make check runs it)" >&2
    else
        grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)' "$BUILDDIR/fuzz/$t.log" | tr '\n' ' '
        echo
    fi
done
exit $status

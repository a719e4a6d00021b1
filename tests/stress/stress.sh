#!/bin/sh
# Randomized trials of `svcscope fix` on real git repositories (tests/stress/stress.py,
# docs/applying-fixes.md#how-it-is-tested). Under `make check`: STRESS_TRIALS trials from seed 1,
# so that a failure reproduces; `make stress` starts at a random seed unless STRESS_SEED or
# STRESS_FIRST_SEED is set. Skipped (77) without python3 or git.
: "${SVCSCOPE:?run through make check or make stress}"
: "${TOP_SRCDIR:?run through make check or make stress}"
command -v python3 >/dev/null 2>&1 || { echo "stress: python3 not found, skipped"; exit 77; }
command -v git >/dev/null 2>&1 || { echo "stress: git not found, skipped"; exit 77; }

set -- --svcscope "$SVCSCOPE" --demo "$TOP_SRCDIR/examples/demo" "$@"
[ -n "${STRESS_FIRST_SEED:-}" ] && set -- "$@" --first-seed "$STRESS_FIRST_SEED"
[ -n "${STRESS_RESULTS:-}" ] && set -- "$@" --results "$STRESS_RESULTS"
# STRESS_TOLERATE: known defects (names in stress.py's KNOWN) that do not fail the run
for known in $(printf '%s' "${STRESS_TOLERATE:-}" | tr ',' ' '); do
    set -- "$@" --tolerate "$known"
done
# STRESS_ARGS: more options, e.g. --max-batches 20 or --kill (word-split on purpose)
# shellcheck disable=SC2086
exec python3 "$TOP_SRCDIR/tests/stress/stress.py" "$@" ${STRESS_ARGS:-}

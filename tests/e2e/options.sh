#!/bin/sh
# Option handling is one parser (src/cli/args.c) for every command: the same spellings are
# accepted everywhere, and a missing value, an unknown option, an option given twice and two
# options that cannot go together get the same words from every command, with exit status 2.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write services/__init__.py ''
write services/billing/__init__.py ''
git_commit_all
cd "$REPO" || exit 1

# expect_usage_error LINE ARGS...: svcscope ARGS exits 2 and says exactly LINE on stderr, nothing on stdout.
expect_usage_error() {
    want=$1
    shift
    run "$@"
    checks=$((checks + 1))
    [ "$STATUS" -eq 2 ] || fail "svcscope $*: expected exit 2, got $STATUS"
    checks=$((checks + 1))
    [ "$ERR" = "$want" ] || fail "svcscope $*: stderr differs
--- want ---
$want
--- got ---
$ERR
------------"
    checks=$((checks + 1))
    [ -z "$OUT" ] || fail "svcscope $*: wrote to stdout: $OUT"
}

# One option that takes one value per command, and a value it takes (the explorer has none:
# see below).
for entry in tree:--format:json check:--format:json fix:--max-file-size:1MiB rules:--format:json \
    callers:--format:json graph:--format:mermaid install-hook:--baseline:b.json; do
    cmd=${entry%%:*}
    opt=${entry#*:}
    value=${opt#*:}
    opt=${opt%%:*}
    expect_usage_error "svcscope: $cmd: option '$opt' needs a value (see svcscope $cmd --help)" "$cmd" "$opt"
    expect_usage_error "svcscope: $cmd: unknown option '--bogus' (see svcscope $cmd --help)" "$cmd" --bogus
    expect_usage_error "svcscope: $cmd: unknown option '--bogus' (see svcscope $cmd --help)" "$cmd" --bogus=1
    expect_usage_error "svcscope: $cmd: unknown option '-x' (see svcscope $cmd --help)" "$cmd" -x
    expect_usage_error "svcscope: $cmd: option '--help' takes no value (see svcscope $cmd --help)" "$cmd" --help=yes
    # A value option given twice: one of the values would be dropped without a word.
    expect_usage_error "svcscope: $cmd: option '$opt' given twice (see svcscope $cmd --help)" "$cmd" "$opt" "$value" "$opt=$value"
    # -h and --help, before or after other options.
    for help in -h --help; do
        run "$cmd" "$help"
        expect_status 0
        expect_out "usage: svcscope $cmd"
    done
done

# Two options that cannot go together: one pair per command that has one (rules has a single
# option). Same words everywhere, the reason in parentheses.
conflict() {
    cmd=$1
    a=$2
    b=$3
    why=$4
    shift 4
    expect_usage_error "svcscope: $cmd: $a and $b cannot be used together ($why)" "$cmd" "$@"
}
for cmd in tree callers graph; do
    conflict "$cmd" --staged --rev "--staged reads the index, --rev a commit" --staged --rev HEAD
    conflict "$cmd" --staged --rev "--staged reads the index, --rev a commit" --rev=HEAD --staged
done
conflict check --format --statistics "--statistics prints a count per rule as text" --statistics --format json
conflict check --fail-on --exit-zero "--exit-zero exits 0 whatever is found" --exit-zero --fail-on error
conflict check --baseline --write-baseline "the new baseline would lack the findings the old one hides" \
    --baseline a.json --write-baseline b.json
conflict check --statistics --write-baseline "--write-baseline records the findings instead of printing them" \
    --write-baseline b.json --statistics
conflict check --show-settings --staged "--show-settings prints the settings and checks nothing" \
    --show-settings --staged
conflict fix --diff --stage "--diff writes nothing, so there is nothing to --stage" --diff --stage
conflict fix --undo --select "--undo takes back the whole newest batch" --undo --select SVC2
conflict fix --undo --stage "--undo takes back the whole newest batch" --stage --undo
conflict install-hook --print --force "--print installs nothing, so there is nothing to replace" --force --print
expect_usage_error "svcscope: fix: --list goes with --undo (svcscope fix --undo --list)" fix --list
expect_usage_error "svcscope: fix: --undo takes at most one PATH (it undoes the whole newest batch)" fix --undo a b
# --help is read first: a conflict after it is not reported.
run tree --help --staged --rev HEAD
expect_status 0
expect_out "usage: svcscope tree"

# Checks that are not pairs keep working: --staged with --diff is the pre-commit hook's line.
run check --staged --diff HEAD --no-color .
expect_status 0

# The explorer (no command): --demo and --no-color take no value; unknown options as everywhere.
expect_usage_error "svcscope: unknown option '--bogus' (see svcscope --help)" --bogus
expect_usage_error "svcscope: unknown option '-x' (see svcscope --help)" -x
expect_usage_error "svcscope: option '--demo' takes no value (see svcscope --help)" --demo=yes
run --no-color --help
expect_status 0
expect_out "usage: svcscope [--demo [--keep]] [--no-color] [PATH]"

# An abbreviation that fits one option is that option; one that fits several says which.
run tree --form json .
expect_status 0
expect_out '"services_root": "services"'
expect_usage_error "svcscope: check: option '--s' is ambiguous: --select, --staged, --statistics or --show-settings (see svcscope check --help)" check --s
expect_usage_error "svcscope: check: option '--se' needs a value (see svcscope check --help)" check --se
# Aliases: --output-format is --format, --unsafe-fixes is --unsafe.
run check --output-format=json --exit-zero .
expect_status 0
expect_out '['
expect_usage_error "svcscope: check: option '--format' given twice (see svcscope check --help)" \
    check --output-format json --format json

# Spellings: --opt VALUE, --opt=VALUE, options after operands, `--` before an operand.
run tree --format=json .
expect_status 0
expect_out '"services_root": "services"'
run tree . --format json
expect_status 0
expect_out '"services_root": "services"'
run tree --format json -- .
expect_status 0
expect_out '"services_root": "services"'
# After `--` a word is an operand even when it starts with '-'.
run tree -- --format
expect_status 2
expect_err "--format: No such file or directory"
# A flag may be repeated; a list adds up.
run tree --staged --staged .
expect_status 0
run check --select SVC4 --select SVC9,SVC2 --exit-zero .
expect_status 0

# A value that the option refuses is said in the option's words, with every word it takes.
expect_usage_error "svcscope: tree: unknown format 'xml' (text or json)" tree --format xml
expect_usage_error "svcscope: graph: unknown format 'png' (dot or mermaid)" graph --format png
expect_usage_error "svcscope: rules: unknown format 'yaml' (text, json or markdown)" rules --format yaml
expect_usage_error "svcscope: check: unknown format 'yaml' (text, json, sarif or github)" check --format yaml

finish

#!/bin/sh
# Shell completion: completions/svcscope.bash sourced in bash, COMPREPLY checked for what a user
# types; completions/_svcscope through a real zsh (when zsh is installed) the same way.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

# The completions ask `svcscope` on PATH, as an installed one would.
mkdir -p "$WORK/bin"
ln -s "$SVCSCOPE" "$WORK/bin/svcscope"
PATH="$WORK/bin:$PATH"
export PATH

# complete WORDS...: the candidates bash offers for the last word, sorted, one per line, in $OUT.
complete_bash() {
    OUT=$(cd "$WORK" && bash --norc --noprofile -c '
        . "$1/completions/svcscope.bash"
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        _svcscope svcscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$TOP_SRCDIR" "$@" 2>"$WORK/stderr")
    ERR=$(cat "$WORK/stderr")
}

# expect_only WORD...: $OUT is exactly these words (in sorted order).
expect_only() {
    checks=$((checks + 1))
    want=$(printf '%s\n' "$@" | sort)
    [ "$OUT" = "$want" ] || fail "candidates differ
--- want ---
$want
--- got ---
$OUT
------------"
}

complete_bash svcscope ch
expect_only check

complete_bash svcscope check --sel
expect_only --select

# The codes come from the binary; SVC2 is a family, also a valid selector.
complete_bash svcscope check --select SVC2
expect_only SVC2 SVC201 SVC202 SVC203
checks=$((checks + 1))
[ -z "$ERR" ] || fail "completion wrote to stderr: $ERR"

# A comma-separated list completes its last item.
complete_bash svcscope check --select SVC201,SVC40
expect_only SVC201,SVC401 SVC201,SVC402 SVC201,SVC403 SVC201,SVC404 SVC201,SVC405 SVC201,SVC406 SVC201,SVC407

complete_bash svcscope check --ignore=SVC10
expect_only --ignore=SVC100 --ignore=SVC101 --ignore=SVC102 --ignore=SVC103 --ignore=SVC104 --ignore=SVC105 \
    --ignore=SVC106

complete_bash svcscope check --format ''
expect_only text json sarif github

complete_bash svcscope graph --format ''
expect_only dot mermaid

complete_bash svcscope check --fail-on w
expect_only warning

complete_bash svcscope rules SVC40
expect_only SVC401 SVC402 SVC403 SVC404 SVC405 SVC406 SVC407

# Every command of `svcscope --help` completes, and each command's options are its own.
complete_bash svcscope ''
for cmd in $("$SVCSCOPE" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'); do
    expect_out "$cmd"
done
complete_bash svcscope install-hook --
expect_only --baseline --force --help --print
complete_bash svcscope init --
expect_only --baseline --help --yes
# Another command's options are whatever its --help defines (option lines and usage brackets).
complete_bash svcscope tree --
expect_only $("$SVCSCOPE" tree --help | sed -n 's/^ *\(-h, \)\{0,1\}\(--[a-z][a-z-]*\).*/\2/p')
complete_bash svcscope --
expect_only --demo --help --keep --version

# Options that take a file complete files.
mkdir -p "$WORK/proj"
: > "$WORK/proj/baseline.json"
OUT=$(cd "$WORK/proj" && bash --norc --noprofile -c '. "$1/completions/svcscope.bash"
    COMP_WORDS=(svcscope check --baseline base); COMP_CWORD=3; _svcscope; printf "%s\n" "${COMPREPLY[@]}"' sh "$TOP_SRCDIR")
expect_only baseline.json

# zsh, through a pseudo-terminal, when it is installed.
if command -v zsh >/dev/null 2>&1 && zsh -c 'zmodload zsh/zpty' 2>/dev/null; then
    complete_zsh() {
        OUT=$(cd "$WORK" && SVCSCOPE_COMPLETIONS="$TOP_SRCDIR/completions" TMPDIR="$WORK" \
            timeout 20 zsh -f "$TOP_SRCDIR/tests/e2e/zsh_capture.zsh" "$*" | tr -d '\r' | sed 's/ -- .*//; s/,$//' | sort -u)
    }
    complete_zsh svcscope ch
    expect_only check
    complete_zsh svcscope check --sel
    expect_only --select
    complete_zsh svcscope check --select SVC2
    expect_only SVC2 SVC201 SVC202 SVC203
    complete_zsh svcscope rules SVC40
    expect_only SVC401 SVC402 SVC403 SVC404 SVC405 SVC406 SVC407
    complete_zsh svcscope graph --format ''
    expect_only dot mermaid
    complete_zsh svcscope install-hook --
    expect_only --baseline --force --help --print
    complete_zsh svcscope init --
    expect_only --baseline --help --yes
else
    skip_part "zsh (with zpty) is not installed: the zsh completion"
fi

finish

#!/bin/sh
# man/svcscope.1 agrees with the binary: every command of `svcscope --help` has a section, every
# option of `svcscope COMMAND --help` is in it (and every option the section defines is in the
# help), the keys are the explorer's table, the rules the catalogue's, the config keys the
# reader's, the environment variables the code's; and the page renders without warnings.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

MAN="$TOP_SRCDIR/man/svcscope.1"

# The page as plain text for grep: roff escapes for '-', fonts and zero-width joins removed.
plain() {
    sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\(aq/'"'"'/g' -e 's/\\e/\\/g'
}

# section TITLE: the roff lines of `.SS "TITLE"` up to the next .SS or .SH.
section() {
    awk -v want=".SS \"$1\"" 'index($0, want) == 1 { on = 1; next } on && /^\.S[SH]/ { exit } on' "$MAN"
}

# chapter NAME: the roff lines of `.SH NAME` (or `.SH "NAME"`) up to the next .SH.
chapter() {
    awk -v a=".SH $1" -v b=".SH \"$1\"" '$0 == a || $0 == b { on = 1; next } on && /^\.SH/ { exit } on' "$MAN"
}

# The options a --help defines: on its option lines ("  -h, --help   ...") and in the [brackets]
# of its usage line; prose that mentions another command's options does not count.
help_options() {
    awk '
        /^usage:/ {
            s = $0
            while (match(s, /\[[^]]*\]/)) {
                g = substr(s, RSTART + 1, RLENGTH - 2)
                s = substr(s, RSTART + RLENGTH)
                gsub(/\|/, " ", g)
                n = split(g, t, " ")
                for (i = 1; i <= n; i++) if (t[i] ~ /^--[a-z]/) print t[i]
            }
            next
        }
        /^ +(-[a-zA-Z], )?--[a-z]/ {
            line = $0
            sub(/^ +(-[a-zA-Z], )?/, "", line)
            match(line, /^--[a-z][a-z-]*/)
            print substr(line, 1, RLENGTH)
        }' | sort -u
}

# The options a man section defines: the tag line after each .TP.
man_options() {
    awk 'prev == ".TP" { print } { prev = $0 }' | plain | grep -o -- '--[a-z][a-z-]*' | sort -u
}

has_word() { grep -q -- "$1\([^a-z-]\|\$\)"; }

checks=$((checks + 1))
[ -f "$MAN" ] || { fail "no $MAN"; finish; }

# ---- commands ----------------------------------------------------------------------------
commands=$("$SVCSCOPE" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
checks=$((checks + 1))
[ -n "$commands" ] || fail "svcscope --help lists no commands"
for cmd in $commands; do
    text=$(section "svcscope $cmd")
    checks=$((checks + 1))
    if [ -z "$text" ]; then
        fail "no section .SS \"svcscope $cmd\" in the man page"
        continue
    fi
    help=$("$SVCSCOPE" "$cmd" --help)
    for opt in $(printf '%s\n' "$help" | help_options); do
        checks=$((checks + 1))
        printf '%s\n' "$text" | plain | has_word "$opt" || fail "svcscope $cmd --help has $opt; its man section does not"
    done
    for opt in $(printf '%s\n' "$text" | man_options); do
        checks=$((checks + 1))
        printf '%s\n' "$help" | help_options | grep -qx -- "$opt" ||
            fail "the man section of svcscope $cmd defines $opt; svcscope $cmd --help does not"
    done
    # The SYNOPSIS names it too.
    checks=$((checks + 1))
    chapter SYNOPSIS | plain | grep -q "^\.B svcscope $cmd\$" || fail "the SYNOPSIS lacks svcscope $cmd"
done

# Sections of commands the binary does not have (yet): said, not failed, so that the page can be
# written before the command lands.
for cmd in $(sed -n 's/^\.SS "svcscope \([a-z-]*\)"$/\1/p' "$MAN"); do
    printf '%s\n' "$commands" | grep -qx -- "$cmd" ||
        echo "manpage: note: the man page documents 'svcscope $cmd', which svcscope --help does not list"
done

# ---- the explorer and the global options -------------------------------------------------
text=$(section "svcscope (no command): the explorer")
checks=$((checks + 1))
[ -n "$text" ] || fail "no section for the explorer"
global=$("$SVCSCOPE" --help | awk '/^options:/ { on = 1 } on' | help_options)
for opt in $global; do
    checks=$((checks + 1))
    printf '%s\n' "$text" | plain | has_word "$opt" || fail "svcscope --help has $opt; the explorer's section does not"
done
for opt in $(printf '%s\n' "$text" | man_options); do
    checks=$((checks + 1))
    printf '%s\n' "$global" | grep -qx -- "$opt" || fail "the explorer's section defines $opt; svcscope --help does not"
done

# ---- version ------------------------------------------------------------------------------
version=$("$SVCSCOPE" --version)
checks=$((checks + 1))
grep -q "^\.TH SVCSCOPE 1 .*\"$version\"" "$MAN" || fail ".TH does not say \"$version\""

# ---- keys: the section is what scripts/man-keys makes from src/tui/keys.h ----------------
if [ -f "$TOP_SRCDIR/src/tui/keys.h" ]; then
    "$TOP_SRCDIR/scripts/man-keys" "$TOP_SRCDIR/src/tui/keys.h" > "$WORK/keys.want"
    awk '/^\.\\" BEGIN KEYS/ { on = 1; next } /^\.\\" END KEYS/ { on = 0 } on' "$MAN" > "$WORK/keys.got"
    checks=$((checks + 1))
    diff -u "$WORK/keys.want" "$WORK/keys.got" >&2 ||
        fail "the KEYS section is not current: run make docs (scripts/man-keys --update)"
else
    checks=$((checks + 1))
    chapter KEYS | plain | grep -q '^\.B ?$' || fail "without src/tui/keys.h, KEYS should say that ? lists the keys"
fi

# ---- rules: every code with its name, severity (when not error) and fix ------------------
rules=$(chapter RULES | plain | tr '\n' ' ' | sed -e 's/\.B //g' -e 's/\.TP //g' -e 's/  */ /g')
"$SVCSCOPE" rules | awk '/^SVC[0-9]/ {
        sev = substr($0, 38, 8); sub(/ +$/, "", sev)
        fix = substr($0, 47, 3) == "fix"
        note = ""
        if (sev != "error") note = sev
        if (fix) note = note (note != "" ? ", " : "") "fix"
        print $1 " " $2 (note != "" ? " (" note ")" : "")
    }' > "$WORK/rules"
checks=$((checks + 1))
[ -s "$WORK/rules" ] || fail "svcscope rules listed nothing"
while IFS= read -r want; do
    checks=$((checks + 1))
    case " $rules " in
    *" $want,"* | *" $want."* | *" $want "*) ;;
    *) fail "the RULES section lacks: $want" ;;
    esac
done < "$WORK/rules"

# ---- config keys: the ones src/core/config.c reads, each with a .TP in CONFIGURATION ------
keys=$(awk '/KEY_NAMES\[K_COUNT( \+ 1)?\] = \{/ { on = 1; next } on && /\};/ { exit } on' "$TOP_SRCDIR/src/core/config.c" |
    grep -o '"[a-z-]*"' | tr -d '"')
checks=$((checks + 1))
[ -n "$keys" ] || fail "no KEY_NAMES found in src/core/config.c"
config=$(chapter CONFIGURATION | awk 'prev == ".TP" { print } { prev = $0 }' | plain)
for key in $keys; do
    checks=$((checks + 1))
    printf '%s\n' "$config" | grep -q -- "\(^\|[ ,]\)$key\([ ,]\|\$\)" || fail "CONFIGURATION lacks the key $key"
    checks=$((checks + 1))
    grep -q -- "^| \`$key\`" "$TOP_SRCDIR/docs/configuration.md" || fail "docs/configuration.md lacks the key $key"
done

# ---- environment: every variable the code reads, but the plumbing -------------------------
environment=$(chapter ENVIRONMENT | plain)
# (getenv, or a helper named env_*; debugging and test knobs are not the user's business.)
for var in $(cat "$TOP_SRCDIR"/src/*.c "$TOP_SRCDIR"/src/*/*.c 2>/dev/null |
    grep -o '\(getenv\|env_[a-z_]*\)("[A-Z_][A-Z_0-9]*")' | sed 's/.*("\(.*\)")/\1/' | sort -u); do
    case $var in
    PATH | HOME | TERM | SVCSCOPE_SCRIPT | SVCSCOPE_SCREEN | SVCSCOPE_TEST_* | SVCSCOPE_DEBUG* | SVCSCOPE_STATS) continue ;;
    esac
    checks=$((checks + 1))
    printf '%s\n' "$environment" | grep -q -- "$var" || fail "ENVIRONMENT lacks $var (the code reads it)"
done
for var in NO_COLOR EDITOR XDG_CACHE_HOME XDG_CONFIG_HOME SVCSCOPE_NO_CACHE TMPDIR; do
    checks=$((checks + 1))
    printf '%s\n' "$environment" | grep -q -- "^\.B.* $var\|^\.B $var" || fail "ENVIRONMENT lacks $var"
done

# ---- it renders cleanly -------------------------------------------------------------------
if command -v groff >/dev/null 2>&1; then
    checks=$((checks + 1))
    warnings=$(groff -man -Tutf8 -ww -z "$MAN" 2>&1)
    [ -z "$warnings" ] || fail "groff warns: $warnings"
fi
if command -v mandoc >/dev/null 2>&1; then
    checks=$((checks + 1))
    warnings=$(mandoc -T lint -W warning "$MAN" 2>&1)
    [ -z "$warnings" ] || fail "mandoc warns: $warnings"
fi

finish

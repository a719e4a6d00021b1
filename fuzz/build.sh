#!/bin/sh
# Builds the libFuzzer targets (fuzz/fuzz_*.c) with clang, apart from the normal build: the core
# sources and the grammars are compiled again with the fuzzer's coverage and ASan + UBSan into
# $BUILDDIR/fuzz/obj/, so the gcc objects and libraries are never touched. Run by `make fuzz`
# (Makefile.am), which passes the variables below; an object is rebuilt when it is missing or
# older than its source, a header of the core, or config.h.
set -eu
: "${FUZZ_CC:=clang}"
: "${SRCDIR:?}" "${BUILDDIR:?}" "${GRAMMARS_DIR:?}" "${CORE_SOURCES:?}"
: "${DEP_CFLAGS:=}" "${DEP_LIBS:=}" "${FUZZ_JOBS:=2}"
TARGETS=${FUZZ_TARGETS:-fuzz_facts fuzz_config fuzz_fix}

command -v "$FUZZ_CC" >/dev/null 2>&1 || { echo "make fuzz: $FUZZ_CC not found (install clang)" >&2; exit 1; }

OBJ="$BUILDDIR/fuzz/obj"
mkdir -p "$OBJ"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=c11 -g -O1 $SAN -fsanitize=fuzzer-no-link -Wall -Wextra -Wno-unused-parameter"
CPPFLAGS="-include $BUILDDIR/config.h -I$SRCDIR/include -I$SRCDIR/src -I$SRCDIR/fuzz -DSVC_SRCDIR='\"$SRCDIR\"' -DSVC_DATADIR='\"$SRCDIR/examples\"' $DEP_CFLAGS"

# newest FILE...: true when $obj is missing or older than one of the files
stale() {
    [ -f "$obj" ] || return 0
    for f in "$@"; do
        [ "$f" -nt "$obj" ] && return 0
    done
    return 1
}

headers=$(ls "$SRCDIR"/include/svcscope/*.h "$SRCDIR"/src/core/*.h "$SRCDIR"/fuzz/fuzz_checks.h "$BUILDDIR/config.h")
jobs="$OBJ/jobs"
: > "$jobs"
objects=""
for src in $CORE_SOURCES fuzz/fuzz_checks.c; do
    case $src in *.c) ;; *) continue ;; esac
    obj="$OBJ/$(echo "$src" | tr '/' '_' | sed 's/\.c$/.o/')"
    objects="$objects $obj"
    # shellcheck disable=SC2086
    if stale "$SRCDIR/$src" $headers; then
        printf '%s\n' "$FUZZ_CC $CFLAGS $CPPFLAGS -c '$SRCDIR/$src' -o '$obj'" >> "$jobs"
    fi
done
# The grammars: generated code, compiled without our warnings.
for g in python:tree-sitter-python toml:@tree-sitter-grammars/tree-sitter-toml; do
    name=${g%%:*}
    obj="$OBJ/grammar_$name.o"
    objects="$objects $obj"
    if stale "$SRCDIR/src/grammars/$name.c"; then
        printf '%s\n' "$FUZZ_CC -std=c11 -O1 -w $SAN -fsanitize=fuzzer-no-link -I'$GRAMMARS_DIR/${g#*:}/src' -c '$SRCDIR/src/grammars/$name.c' -o '$obj'" >> "$jobs"
    fi
done
if [ -s "$jobs" ]; then
    echo "  FUZZ-CC  $(wc -l < "$jobs") objects with $FUZZ_CC"
    tr '\n' '\0' < "$jobs" | xargs -0 -P "$FUZZ_JOBS" -n 1 sh -c 'eval "$0"'
fi
rm -f "$jobs"

for t in $TARGETS; do
    obj="$OBJ/$t.o"
    if stale "$SRCDIR/fuzz/$t.c" $headers; then
        # shellcheck disable=SC2086
        eval "$FUZZ_CC $CFLAGS $CPPFLAGS -c '$SRCDIR/fuzz/$t.c' -o '$obj'"
    fi
    bin="$BUILDDIR/fuzz/$t"
    # shellcheck disable=SC2086
    "$FUZZ_CC" $SAN -fsanitize=fuzzer "$obj" $objects $DEP_LIBS -lpthread -o "$bin"
    echo "  FUZZ-LD  fuzz/$t"
done

#!/bin/sh
# svcscope's benchmark: `make bench` (docs/performance.md says what is measured and why).
#
# For each project in BENCH_PROJECTS (SHAPE:SCALE; shapes: `services`, a codebase that follows the
# convention, bench/generate.py; `migration`, one that does not yet, shaped like a large real
# backend, bench/generate_migration.py) it generates a synthetic Django + Celery project (reused
# while the generator is unchanged), then measures:
#   floor        bench/floor: every .py parsed with tree-sitter-python on one thread, nothing else
#   full         svcscope check with neither cache nor pre-filter (everything parsed, all cores)
#   cold         svcscope check, no cache file (pre-filter on, cache written)
#   warm         svcscope check, nothing changed since the last run
#   one changed  svcscope check after editing one file (a services module, a library module, a view)
#   ruff         ruff's WebAssembly build (npm dev dependency) checking every file on one thread: a
#                side-by-side anchor from the same machine and run (bench/ruff.cjs; skipped
#                without node or the package)
# and checks that every output equals the `full` one byte for byte (and, after the edits, the
# `full` output of the edited tree). Times are the median of the runs (wall clock; CPU is user +
# system); peak RSS the largest of the svcscope runs. The OS page cache is warm (the project was
# just generated or read): what is measured is svcscope's own work, not the disk.
set -u
: "${SVCSCOPE:?}" "${FLOOR:?}" "${MEASURE:?}" "${BENCH_OUT:?}"
BENCH_PROJECTS=${BENCH_PROJECTS:-services:1 services:2 services:4 migration:1}
COLD_RUNS=${BENCH_COLD_RUNS:-3}
WARM_RUNS=${BENCH_WARM_RUNS:-7}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$BENCH_OUT"
LOG="$BENCH_OUT/bench.log"
: >"$LOG"
TOP=$(cd "$HERE/.." && pwd)
failures=0

# run [-o FILE] CMD...: measures a command; sets WALL CPU RSS STATUS (ms, ms, KiB)
run() {
    out=/dev/null
    if [ "$1" = -o ]; then
        out=$2
        shift 2
    fi
    line=$("$MEASURE" -o "$out" "$@" 2>>"$LOG")
    WALL=$(echo "$line" | sed 's/.*wall_ms=\([0-9.]*\).*/\1/')
    CPU=$(echo "$line" | sed 's/.*cpu_ms=\([0-9.]*\).*/\1/')
    RSS=$(echo "$line" | sed 's/.*rss_kb=\([0-9]*\).*/\1/')
    STATUS=$(echo "$line" | sed 's/.*status=\([0-9]*\).*/\1/')
    echo "$* -> $line" >>"$LOG"
}

median() { # numbers as arguments
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
max() {
    printf '%s\n' "$@" | sort -n | tail -n 1
}

same() { # FILE FILE LABEL
    if ! cmp -s "$1" "$2"; then
        echo "DIFFERENT OUTPUT: $3 ($2 vs $1)" | tee -a "$LOG"
        failures=$((failures + 1))
    fi
}

# files older than the index, as in a checkout (git's racily-clean rule aside), and the index told
restore() { # DIR FILE
    git -C "$1" checkout -q -- "$2"
    touch -d '2024-01-01 00:00:00' "$1/$2"
    git -C "$1" update-index -q --refresh >/dev/null 2>&1 || true
}

echo "svcscope benchmark: $(nproc 2>/dev/null || echo '?') cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "(median of $COLD_RUNS cold, $WARM_RUNS warm and 3 one-changed runs; details in $LOG)"
echo
ROWS=""
for project in $BENCH_PROJECTS; do
    shape=${project%%:*}
    scale=${project#*:}
    case $shape in
    services) generator="$HERE/generate.py" ;;
    migration) generator="$HERE/generate_migration.py" ;;
    *) echo "bench: unknown shape '$shape' in BENCH_PROJECTS (services or migration)" >&2; exit 2 ;;
    esac
    gen_stamp=$(cksum <"$generator" | cut -d' ' -f1)
    dir="$BENCH_OUT/$shape-$scale"
    stamp="$BENCH_OUT/$shape-$scale.stamp"
    if [ ! -d "$dir/.git" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$gen_stamp" ]; then
        echo "generating the $shape ${scale}x project..."
        python3 "$generator" "$dir" --scale "$scale" >>"$LOG" || exit 1
        echo "$gen_stamp" >"$stamp"
    fi
    # the edited files of a previous run go back to what is committed
    for f in $(git -C "$dir" diff --name-only); do restore "$dir" "$f"; done

    # the floor (at 1x twice, the faster; larger ones take long enough to be steady)
    f1=$("$FLOOR" "$dir")
    if [ "$scale" = 1 ]; then f2=$("$FLOOR" "$dir"); else f2=$f1; fi
    echo "floor: $f1 / $f2" >>"$LOG"
    files=$(echo "$f1" | sed 's/.*files=\([0-9]*\).*/\1/')
    bytes=$(echo "$f1" | sed 's/.*bytes=\([0-9]*\).*/\1/')
    lines=$(echo "$f1" | sed 's/.*lines=\([0-9]*\).*/\1/')
    floor_wall=$(printf '%s\n%s\n' "$f1" "$f2" | sed 's/.*wall=\([0-9.]*\).*/\1/' | sort -n | head -n 1)
    floor_cpu=$(printf '%s\n%s\n' "$f1" "$f2" | sed 's/.*cpu=\([0-9.]*\).*/\1/' | sort -n | head -n 1)
    floor_ms=$(echo "$floor_wall" | awk '{ printf "%.0f", $1 * 1000 }')
    floor_cpu_ms=$(echo "$floor_cpu" | awk '{ printf "%.0f", $1 * 1000 }')

    cache="$dir/.git/svcscope/facts-cache"
    # everything parsed, no cache: the reference output
    SVCSCOPE_NO_CACHE=1 SVCSCOPE_NO_PREFILTER=1 run -o "$BENCH_OUT/ref.json" "$SVCSCOPE" check --format json "$dir"
    full_ms=$WALL
    full_cpu=$CPU
    rss_all=$RSS
    run -o "$BENCH_OUT/out.json" "$SVCSCOPE" check --no-cache --format json "$dir"
    same "$BENCH_OUT/ref.json" "$BENCH_OUT/out.json" "$shape ${scale}x --no-cache"
    nocache_ms=$WALL

    walls=""
    cpus=""
    rsss=""
    for i in $(seq "$COLD_RUNS"); do
        rm -rf "$dir/.git/svcscope"
        run -o "$BENCH_OUT/out.json" "$SVCSCOPE" check --format json "$dir"
        same "$BENCH_OUT/ref.json" "$BENCH_OUT/out.json" "$shape ${scale}x cold"
        walls="$walls $WALL"
        cpus="$cpus $CPU"
        rsss="$rsss $RSS"
    done
    cold_ms=$(median $walls)
    cold_cpu=$(median $cpus)
    cache_mb=$(ls -l "$cache" | awk '{ printf "%.1f", $5 / 1048576 }')

    walls=""
    cpus=""
    for i in $(seq "$WARM_RUNS"); do
        run -o "$BENCH_OUT/out.json" "$SVCSCOPE" check --format json "$dir"
        same "$BENCH_OUT/ref.json" "$BENCH_OUT/out.json" "$shape ${scale}x warm"
        walls="$walls $WALL"
        cpus="$cpus $CPU"
        rsss="$rsss $RSS"
    done
    warm_ms=$(median $walls)
    warm_cpu=$(median $cpus)

    # one file changed: a services module (a tasks module), a library module nothing reads (an
    # app's utilities), a view
    if [ "$shape" = services ]; then
        svc_file=$(cd "$dir" && ls services/*/*.py | grep -v __init__ | grep -v /test | head -n 1)
        lib_file=$(cd "$dir" && ls libs/*/*.py | grep -v __init__ | head -n 1)
        view_file=$(cd "$dir" && ls */views.py | head -n 1)
    else
        svc_file=$(cd "$dir" && ls proj/*/tasks.py | head -n 1)
        lib_file=$(cd "$dir" && ls proj/*/utils.py | head -n 1)
        view_file=$(cd "$dir" && ls proj/*/views.py | head -n 1)
    fi
    walls=""
    cpus=""
    n=0
    for f in $svc_file $lib_file $view_file; do
        n=$((n + 1))
        printf '\n\ndef bench_edit_%s(value):\n    return value\n' "$n" >>"$dir/$f"
        run -o "$BENCH_OUT/out.json" "$SVCSCOPE" check --format json "$dir"
        walls="$walls $WALL"
        cpus="$cpus $CPU"
        rsss="$rsss $RSS"
    done
    one_ms=$(median $walls)
    one_cpu=$(median $cpus)
    SVCSCOPE_NO_CACHE=1 SVCSCOPE_NO_PREFILTER=1 run -o "$BENCH_OUT/ref.json" "$SVCSCOPE" check --format json "$dir"
    same "$BENCH_OUT/ref.json" "$BENCH_OUT/out.json" "$shape ${scale}x after editing $svc_file, $lib_file, $view_file"
    for f in $svc_file $lib_file $view_file; do restore "$dir" "$f"; done

    # the anchor: ruff's wasm build over the same files, when node and the package are there
    ruff_ms="-"
    if command -v node >/dev/null 2>&1 && [ -d "$TOP/node_modules/@astral-sh/ruff-wasm-nodejs" ]; then
        r=$(NODE_PATH="$TOP/node_modules" node "$HERE/ruff.cjs" "$dir" 2>>"$LOG")
        echo "ruff: $r" >>"$LOG"
        ruff_ms=$(echo "$r" | sed -n 's/.*wall_ms=\([0-9]*\).*/\1/p')
    fi

    rss_mb=$(max $rsss | awk '{ printf "%.0f", $1 / 1024 }')
    rss_all_mb=$(echo "$rss_all" | awk '{ printf "%.0f", $1 / 1024 }')
    mb=$(echo "$bytes" | awk '{ printf "%.1f", $1 / 1048576 }')
    ratio=$(echo "$cold_ms $floor_ms" | awk '{ printf "%.3f", $1 / $2 }')
    cpu_ratio=$(echo "$cold_cpu $floor_cpu_ms" | awk '{ printf "%.3f", $1 / $2 }')
    us_line=$(echo "$cold_cpu $lines" | awk '{ printf "%.2f", $1 * 1000 / $2 }')
    printf '%s %sx: %s files, %s lines, %s MB; floor %s ms (cpu %s); full %s ms (cpu %s, %s MB); --no-cache %s ms\n' \
        "$shape" "$scale" "$files" "$lines" "$mb" "$floor_ms" "$floor_cpu_ms" "$full_ms" "$full_cpu" "$rss_all_mb" "$nocache_ms"
    printf '    cold %s ms (cpu %s), warm %s ms (cpu %s), one changed %s ms (cpu %s); peak RSS %s MB; cache %s MB\n' \
        "$cold_ms" "$cold_cpu" "$warm_ms" "$warm_cpu" "$one_ms" "$one_cpu" "$rss_mb" "$cache_mb"
    printf '    cold/floor %s (cpu %s); cold cpu per line %s us; ruff (wasm, one thread) %s ms\n' "$ratio" "$cpu_ratio" "$us_line" "$ruff_ms"
    ROWS="$ROWS| $shape ${scale}x | $files | $lines | $mb | $floor_ms | $full_ms | $cold_ms / $cold_cpu | $warm_ms / $warm_cpu | $one_ms / $one_cpu | $ratio ($cpu_ratio) | $rss_mb | $ruff_ms |
"
done

echo
echo "| project | files | lines | MB | floor ms | full ms | cold ms (cpu) | warm ms (cpu) | one changed ms (cpu) | cold/floor (cpu) | peak RSS MB | ruff wasm ms |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s' "$ROWS"
echo
if [ "$failures" -gt 0 ]; then
    echo "$failures outputs differed from the reference (see $LOG)"
    exit 1
fi
echo "every output equal to the reference (no cache, no pre-filter)"

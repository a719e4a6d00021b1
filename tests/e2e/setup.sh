#!/bin/sh
# scripts/setup's output: one line per step, the tools' output in the log it names, and a failing
# step's last log lines. Run on a copy of the script in a stand-in tree, with stand-ins for
# dpkg-query, sudo, apt-get, npm, autoreconf, configure and make on PATH: no root, no network.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

TREE=$WORK/tree
mkdir -p "$TREE/scripts" "$WORK/fake"
cp "$TOP_SRCDIR/scripts/setup" "$TREE/scripts/setup"
echo '{"lockfileVersion": 3}' >"$TREE/package-lock.json"
echo 'AC_INIT' >"$TREE/configure.ac"
echo '' >"$TREE/Makefile.am"

# fake NAME BODY: a stand-in command on PATH
fake() {
    printf '#!/bin/sh\n%s\n' "$2" >"$WORK/fake/$1"
    chmod +x "$WORK/fake/$1"
}
# Every package is installed but zsh and tmux.
fake dpkg-query 'case "$*" in *zsh*|*tmux*) exit 1 ;; *) printf "install ok installed" ;; esac'
fake id 'echo 1000'
fake sudo 'case "$1" in -n) shift; [ "$1" = true ] && exit 0 ;; esac; "$@"'
fake apt-get 'echo "apt-get $*"; echo "Reading package lists..."'
fake npm 'echo "npm $*"; mkdir -p node_modules; echo "added 2 packages"'
fake autoreconf 'echo "autoreconf: running"; printf "#!/bin/sh\necho checking for gcc... gcc\ntouch config.status Makefile\n" >configure; chmod +x configure'
fake nproc 'echo 2'
fake make 'echo "  CC  src/main.o"; [ -n "${FAIL_MAKE:-}" ] && { echo "src/main.c:1:1: error: expected something"; exit 2; }; exit 0'
PATH="$WORK/fake:$PATH"
export PATH

run_setup() {
    OUT=$(cd "$WORK" && "$TREE/scripts/setup" "$@" 2>"$WORK/stderr")
    STATUS=$?
    ERR=$(cat "$WORK/stderr")
}

# expect_lines N: stdout has exactly N lines, each "setup: ..."
expect_lines() {
    checks=$((checks + 1))
    n=$(printf '%s\n' "$OUT" | wc -l)
    [ "$n" -eq "$1" ] || fail "expected $1 lines, got $n:
$OUT"
    checks=$((checks + 1))
    ! printf '%s\n' "$OUT" | grep -qv '^setup: ' || fail "a line does not start with 'setup: ': $OUT"
}

# A first run: every step, one line each; the tools' words only in the log.
run_setup
expect_status 0
expect_out 'setup: the tools'"'"' output goes to build-aux/setup.log'
expect_out 'setup: installing Debian packages: tmux zsh ... done'
expect_out 'setup: fetching the pinned grammars (npm ci) ... done'
expect_out 'setup: generating configure (autoreconf -fi) ... done'
expect_out 'setup: configuring (./configure) ... done'
expect_out 'setup: building (make) ... done'
expect_out 'setup: built ./svcscope'
expect_lines 8
expect_no_out 'Reading package lists'
expect_no_out 'checking for gcc'
LOG=$TREE/build-aux/setup.log
checks=$((checks + 1))
grep -q 'checking for gcc... gcc' "$LOG" && grep -q 'apt-get install -y -q --no-install-recommends tmux zsh' "$LOG" ||
    fail "the log lacks the tools' output: $(cat "$LOG")"

# Again, with the packages there: steps with nothing to do say so, and the log starts afresh.
fake dpkg-query 'printf "install ok installed"'
run_setup
expect_status 0
expect_out 'setup: Debian packages ... all installed'
expect_out 'setup: pinned grammars ... up to date'
expect_out 'setup: configuring ... up to date'
expect_no_out 'autoreconf'
expect_lines 6
checks=$((checks + 1))
! grep -q 'apt-get' "$LOG" || fail "the log was not started afresh"

# A failing step: said on its line, the log's last lines on stderr, exit status 1.
FAIL_MAKE=1 run_setup
expect_status 1
expect_out 'setup: building (make) ... failed (exit status 2)'
expect_no_out 'built ./svcscope'
expect_err 'setup: the last lines of build-aux/setup.log:'
expect_err 'src/main.c:1:1: error: expected something'

# --dry-run changes nothing; --log puts the log elsewhere.
rm -f "$TREE/configure"
run_setup --dry-run --log "$WORK/dry.log"
expect_status 0
expect_out 'setup: generating configure (autoreconf -fi) ... would run: autoreconf -fi'
expect_out 'setup: nothing was changed (--dry-run)'
checks=$((checks + 1))
[ ! -e "$TREE/configure" ] && [ -f "$WORK/dry.log" ] || fail "--dry-run ran autoreconf, or wrote no log"

run_setup --bogus
expect_status 2
expect_err "setup: unknown option '--bogus'"

finish

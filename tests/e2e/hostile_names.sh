#!/bin/sh
# A hostile repository cannot reach the terminal: file names, code and config values holding
# escape sequences (ESC, OSC 52 clipboard writes, CR, backspace, C1 controls, bytes that are not
# UTF-8) are shown escaped by every text output and every warning and error, on a pipe and on a
# terminal, while JSON and SARIF keep the original names under their own escaping.
. "$TOP_SRCDIR/tests/e2e/lib.sh"
. "$TOP_SRCDIR/tests/e2e/hostile_lib.sh"

hostile_repo

# run_to_files ARGS...: runs svcscope with stdout in $WORK/out and stderr in $WORK/err
run_to_files() {
    "$SVCSCOPE" "$@" >"$WORK/out" 2>"$WORK/err"
    STATUS=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
}

# on_terminal ARGS...: the same with stdout on a pseudo-terminal (no output processing), where
# colour and the escaping of machine text (a diff, a hook script) apply
on_terminal() {
    python3 - "$SVCSCOPE" "$@" >"$WORK/out" 2>"$WORK/err" <<'EOF'
import os, subprocess, sys, termios
master, slave = os.openpty()
attrs = termios.tcgetattr(slave)
attrs[1] &= ~termios.OPOST
termios.tcsetattr(slave, termios.TCSANOW, attrs)
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=slave)
os.close(slave)
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    sys.stdout.buffer.write(chunk)
sys.exit(child.wait())
EOF
    STATUS=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
}

# expect_terminal_safe WHAT: neither $WORK/out nor $WORK/err holds a byte a terminal acts on:
# a C0 control but tab and newline, DEL, a C1 control (U+0080-U+009F), a byte that is not UTF-8
expect_terminal_safe() {
    for stream in out err; do
        checks=$((checks + 1))
        why=$(raw_controls "$WORK/$stream" 2>&1) || fail "$1: std$stream reaches the terminal raw: $why"
    done
}

# ---- check: paths quoted as git quotes them, messages escaped, warnings too ----------------------
for where in pipe terminal; do
    if [ "$where" = pipe ]; then run_to_files check "$REPO"; else on_terminal check "$REPO"; fi
    expect_status 1
    expect_terminal_safe "check ($where)"
    expect_out '"services/evil\033[31mred.py":1:1: SVC102'
    expect_out '"services/osc\033]52;c;aGk=\a.py":1:1: SVC102'
    expect_out '"services/cr\rover.py":1:1:'
    expect_out '"services/back\bspace.py":1:1:'
    expect_out '"services/c1\302\23331m.py":1:1:'
    expect_out '"services/bad\377byte.py":1:1:'
    expect_out '`evil\033[31mred.py` sits directly in the services root'
    expect_err 'warning: "shop/broken\033]0;x\a.py":4:'
done
run_to_files check --statistics "$REPO"
expect_terminal_safe "check --statistics"
expect_out "SVC102"

# ---- callers, tree, graph: names, paths and source lines -------------------------------------------
run_to_files callers _send "$REPO"
expect_status 0
expect_terminal_safe "callers _send"
expect_out '(Celery name "evil\033[2Jname")'
expect_out 'shop/views.py:5:5: in view: _send.delay("\033]0;owned\a")'
run_to_files callers delay_send "$REPO"
expect_terminal_safe "callers delay_send"
expect_out '"shop/caller\033[31m.py":5:5: in go: delay_send(1)'
run_to_files callers "$(printf 'no\033]52;c;aGk=\007such')" "$REPO"
expect_status 2
expect_terminal_safe "callers of an unknown name"
expect_err 'no\033]52;c;aGk=\asuch'
run_to_files tree "$REPO"
expect_terminal_safe "tree"
expect_out '"evil\033[31mred.py"'
expect_out '"osc\033]52;c;aGk=\a.py"'
run_to_files graph "$REPO"
expect_terminal_safe "graph (dot)"
expect_out 'label="caller\\033[31m"'
run_to_files graph --format mermaid "$REPO"
expect_terminal_safe "graph (mermaid)"
expect_out '["caller\033[31m"]'

# ---- rules and install-hook: what the user typed, and the repository's own path ---------------------
run_to_files rules "$(printf 'SVC\033[2J')"
expect_status 2
expect_terminal_safe "rules with an escape sequence"
expect_err 'SVC\033[2J'
on_terminal install-hook --print "$REPO"
expect_status 0
expect_terminal_safe "install-hook --print (terminal)"
run_to_files install-hook "$REPO"
expect_status 0
expect_terminal_safe "install-hook"
expect_out 'hostile\033[31m/.git/hooks/pre-commit'

# ---- fix: the diff is a patch as it is when piped, escaped on a terminal; headers always quoted -----
run_to_files fix --diff --unsafe "$REPO"
expect_status 1
checks=$((checks + 1))
grep -q "$(printf '_send.delay("\033]0;owned\007")')" "$WORK/out" || fail "the piped diff is not the patch as it is"
on_terminal fix --diff --unsafe "$REPO"
expect_status 1
expect_terminal_safe "fix --diff (terminal)"
expect_out '+    email_tasks._send.delay("\033]0;owned\a")'
run_to_files fix "$REPO"
expect_terminal_safe "fix"
expect_out "Fixed"
run_to_files fix --undo --list "$REPO"
expect_terminal_safe "fix --undo --list"
expect_out "Fix batches, newest first"
run_to_files fix --undo "$REPO"
expect_terminal_safe "fix --undo"
expect_out "Undid the newest fix batch"

# ---- JSON and SARIF: their own escaping, the original names -------------------------------------------
git -C "$REPO" checkout -q -- .
run_to_files check --format json "$REPO"
expect_terminal_safe "check --format json"
checks=$((checks + 1))
python3 - "$WORK/out" <<'EOF' || fail "check --format json does not carry the original names"
import json, sys
names = {d["filename"] for d in json.load(open(sys.argv[1], encoding="utf-8"))}
for want in ("services/evil\x1b[31mred.py", "services/osc\x1b]52;c;aGk=\x07.py", "services/cr\rover.py",
             "services/back\bspace.py", "services/c1\x9b31m.py", "services/bad\ufffdbyte.py"):
    assert want in names, (want, names)
EOF
run_to_files check --format sarif "$REPO"
expect_terminal_safe "check --format sarif"
checks=$((checks + 1))
python3 - "$WORK/out" <<'EOF' || fail "check --format sarif does not carry the original names"
import json, sys
results = json.load(open(sys.argv[1], encoding="utf-8"))["runs"][0]["results"]
texts = [r["message"]["text"] for r in results]
assert any("evil\x1b[31mred.py" in t for t in texts), texts
EOF
for command in tree callers; do
    if [ "$command" = callers ]; then run_to_files callers --format json _send "$REPO"; else run_to_files tree --format json "$REPO"; fi
    checks=$((checks + 1))
    python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$WORK/out" ||
        fail "$command --format json is not JSON"
done

# ---- config: a bad key or value is named, escaped (as TOML writes it) ---------------------------------------------------------
printf '[tool.svcscope]\n"bad\\u001b]52;c;aGk=\\u0007key" = 1\n' > "$REPO/pyproject.toml"
run_to_files check "$REPO"
expect_status 2
expect_terminal_safe "config: a key with an escape sequence"
expect_err 'bad\u001B]52;c;aGk=\u0007key'
printf '[tool.svcscope]\nselect = ["SVC\\u001b[2J"]\n' > "$REPO/pyproject.toml"
run_to_files check "$REPO"
expect_status 2
expect_terminal_safe "config: a value with an escape sequence"
expect_err 'SVC\u001B[2J'
printf '[tool.svcscope]\nservices-root = "x"\nbad\033[2Jkey = 1\n' > "$REPO/pyproject.toml"
run_to_files tree "$REPO"
expect_status 2
expect_terminal_safe "config: raw escape bytes in the file"
finish

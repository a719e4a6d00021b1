#!/bin/sh
# Bad file contents: syntax errors, NUL bytes and binary files, a 50 MB file, 10,000-deep nesting,
# 1 MB lines, non-UTF-8 bytes and file names, CRLF, a BOM, tabs. Each run says what it could not
# read, exits with the status of what it found, and writes nothing (check) or only the fix (fix).
. "$TOP_SRCDIR/tests/e2e/bad_input_lib.sh"

fixture_repo

# ---- syntax errors: said with their place; the rest is still checked; fix leaves the file alone
write orders/broken.py 'from services.integrations.google_calendar.credentials import get_credentials


def f(:
    return get_credentials(
'
before "$REPO"
run check "$REPO"
result "syntax error (orders/broken.py)"
expect_status 1
expect_warning "orders/broken.py:"
expect_warning "syntax error"
expect_out "orders/views.py:1:"
expect_unchanged "$REPO" "check of a file with syntax errors"
run fix "$REPO"
result "fix, a file with syntax errors"
expect_status 1
checks=$((checks + 1))
grep -q '^def f(:$' "$REPO/orders/broken.py" || fail "fix edited a file that does not parse"
checks=$((checks + 1))
grep -q 'from services.integrations import google_calendar' "$REPO/orders/views.py" || fail "fix did not fix views.py"
git -C "$REPO" checkout -q -- . && rm -f "$REPO/orders/broken.py"

# ---- NUL bytes: binary content is said and not parsed; a NUL past the binary probe is parsed
printf 'from services.integrations.google_calendar.credentials import get_credentials\000\n' > "$REPO/orders/nul.py"
head -c 3000 /dev/urandom > "$REPO/orders/blob.py"
printf '\000\377\376' >> "$REPO/orders/blob.py"
{ python3 -c 'import sys; sys.stdout.write(("# " + "." * 60 + "\n") * 200)'
  printf 'x = "\000"\nfrom services.integrations.google_calendar.credentials import get_credentials\n'; } > "$REPO/orders/late_nul.py"
before "$REPO"
run check "$REPO"
result "NUL bytes / binary .py"
expect_status 1
expect_warning "orders/nul.py: binary content (NUL bytes), not read as Python"
expect_warning "orders/blob.py: binary content"
expect_unchanged "$REPO" "check of binary files"
run check --format json "$REPO"
expect_status 1
checks=$((checks + 1))
printf '%s' "$OUT" | python3 -c 'import json, sys; json.load(sys.stdin)' || fail "json with binary files is not JSON"
rm -f "$REPO/orders/nul.py" "$REPO/orders/blob.py" "$REPO/orders/late_nul.py"

# ---- 10,000-deep nesting (brackets, calls, lambdas, an unclosed run) and deep blocks
python3 - "$REPO/orders" <<'EOF'
import sys
d, n = sys.argv[1], 10000
open(d + "/brackets.py", "w").write("x = " + "[" * n + "]" * n + "\n")
open(d + "/calls.py", "w").write("x = " + "f(" * n + ")" * n + "\n")
open(d + "/lambdas.py", "w").write("x = " + "lambda: " * n + "0\n")
open(d + "/unclosed.py", "w").write("x = " + "([{" * n + "\n")
open(d + "/binop.py", "w").write("x = " + "+".join(["a.b"] * n) + "\n")
# Blocks: every level is one more column of indentation, so 10,000 levels are 50 MB (see the
# slow part below); tree-sitter-python keeps indentation columns in a byte: 300 columns is
# already past what it parses.
open(d + "/blocks.py", "w").write("".join(" " * i + "if a:\n" for i in range(300)) + " " * 300 + "pass\n")
open(d + "/deep_ok.py", "w").write("".join("    " * i + "if a:\n" for i in range(60)) + "    " * 60 + "pass\n")
EOF
before "$REPO"
SVCSCOPE_NO_PREFILTER=1 run check --no-cache "$REPO"
result "10,000-deep brackets, calls, lambdas; 300-column blocks"
expect_status 1
expect_warning "orders/blocks.py:1:1: syntax error"
expect_warning "orders/unclosed.py:"
checks=$((checks + 1))
! printf '%s\n' "$ERR" | grep -q 'orders/\(brackets\|calls\|lambdas\|binop\|deep_ok\)\.py' ||
    fail "deep but valid nesting reported as an error: $ERR"
expect_out "orders/views.py:1:"
expect_unchanged "$REPO" "check of deeply nested files"
run tree "$REPO"
expect_status 0
rm -f "$REPO"/orders/brackets.py "$REPO"/orders/calls.py "$REPO"/orders/lambdas.py "$REPO"/orders/unclosed.py \
    "$REPO"/orders/binop.py "$REPO"/orders/blocks.py "$REPO"/orders/deep_ok.py

# ---- 1 MB on one line: a string, an expression, a comment full of noqa codes; fix keeps the line
python3 - "$REPO/orders" <<'EOF'
import sys
d = sys.argv[1]
mb = 1 << 20
open(d + "/long_string.py", "w").write('x = "' + "a" * mb + '"\n')
open(d + "/long_expr.py", "w").write("x = " + "+".join(["1"] * (mb // 2)) + "\n")
open(d + "/long_noqa.py", "w").write(
    "from services.integrations.google_calendar.credentials import get_credentials  # noqa: "
    + ",".join(["SVC999"] * (mb // 7)) + "\n")
open(d + "/views_long.py", "w").write(
    "from services.integrations.google_calendar.credentials import get_credentials\n"
    + "TABLE = '" + "b" * mb + "'\n\n\ndef g(u):\n    return get_credentials(u)\n")
EOF
before "$REPO"
SVCSCOPE_NO_PREFILTER=1 run check --no-cache "$REPO"
result "1 MB lines (string, expression, noqa comment)"
expect_status 1
expect_out "orders/long_noqa.py:1:"
expect_out "orders/views_long.py:1:"
expect_unchanged "$REPO" "check of 1 MB lines"
sed -n 2p "$REPO/orders/views_long.py" > "$WORK/line2.before"
run fix "$REPO"
expect_status 1
checks=$((checks + 1))
sed -n 2p "$REPO/orders/views_long.py" | cmp -s - "$WORK/line2.before" || fail "fix changed the 1 MB line"
checks=$((checks + 1))
grep -q '^from services.integrations import google_calendar$' "$REPO/orders/views_long.py" ||
    fail "the fix of a file with a 1 MB line was not applied: $ERR"
git -C "$REPO" checkout -q -- .
rm -f "$REPO"/orders/long_*.py "$REPO/orders/views_long.py"

# ---- not UTF-8: latin-1 text (columns still count characters), a file name that is not UTF-8
printf '# caf\351 cr\350me\nfrom services.integrations.google_calendar.credentials import get_credentials\nx = "\351t\351"\n\377\376 = 1\n' \
    > "$REPO/orders/latin1.py"
printf 'from services.integrations.google_calendar.credentials import get_credentials\n' > "$REPO/orders/caf$(printf '\351').py"
before "$REPO"
run check "$REPO"
result "non-UTF-8 content and file name"
expect_status 1
expect_out "orders/latin1.py:2:63: SVC201"
# the byte that is not UTF-8 is shown escaped, and the path quoted, as git shows it
expect_out '"orders/caf\351.py":1:63: SVC201'
expect_warning "orders/latin1.py:4:"
for format in json sarif; do
    run check --format "$format" "$REPO"
    expect_status 1
    checks=$((checks + 1))
    printf '%s' "$OUT" | python3 -c 'import json, sys; json.load(sys.stdin)' || fail "$format with a non-UTF-8 file name is not JSON"
done
run check --format github "$REPO"
expect_status 1
expect_unchanged "$REPO" "check of non-UTF-8 files"
run fix "$REPO"
expect_status 1
checks=$((checks + 1))
grep -q "$(printf '^\377\376 = 1$')" "$REPO/orders/latin1.py" || fail "fix damaged the non-UTF-8 bytes of latin1.py"
checks=$((checks + 1))
grep -q '^from services.integrations import google_calendar$' "$REPO/orders/caf$(printf '\351').py" ||
    fail "the file with a non-UTF-8 name was not fixed"
git -C "$REPO" checkout -q -- .
rm -f "$REPO/orders/latin1.py" "$REPO/orders/caf$(printf '\351').py"

# ---- CRLF, a BOM, tabs: findings at the right place, and fix keeps every byte it does not change
printf '\357\273\277from services.integrations.google_calendar.credentials import get_credentials\r\n\r\n\r\ndef signup(request):\r\n\treturn get_credentials(request.user)\r\n' \
    > "$REPO/orders/views.py"
git -C "$REPO" add -A && git -C "$REPO" commit -q -m crlf
before "$REPO"
run check "$REPO"
result "CRLF + BOM + tabs"
expect_status 1
expect_out "orders/views.py:1:63: SVC201"
expect_unchanged "$REPO" "check of a CRLF file with a BOM"
run fix "$REPO"
result "fix of a CRLF file with a BOM and tabs"
expect_status 0
checks=$((checks + 1))
printf '\357\273\277from services.integrations import google_calendar\r\n\r\n\r\ndef signup(request):\r\n\treturn google_calendar.get_credentials(request.user)\r\n' |
    cmp -s - "$REPO/orders/views.py" || fail "fix did not keep the BOM, CRLF and tabs: $(od -c "$REPO/orders/views.py" | head -5)"
git -C "$REPO" reset -q --hard HEAD~1

# ---- a 50 MB file (slow part): skipped with a warning, at the default and the configured limits
if [ "$SKIP_SLOW" = 1 ]; then
    skip_part "the 50 MB file (SVCSCOPE_SKIP_SLOW=1)"
else
    head -c 52428800 /dev/zero | tr '\0' '#' > "$REPO/orders/huge.py"
    before "$REPO"
    started=$(date +%s)
    run check "$REPO"
    result "a 50 MB .py file"
    expect_status 1
    expect_warning "orders/huge.py: larger than the 10485760 byte limit (max-file-size), skipped"
    expect_out "orders/views.py:1:"
    run check --max-file-size 60MiB "$REPO"
    result "a 50 MB .py file, --max-file-size 60MiB"
    expect_status 1
    checks=$((checks + 1))
    ! printf '%s\n' "$ERR" | grep -q huge.py || fail "a 50 MB file under a 60 MiB limit was skipped: $ERR"
    expect_unchanged "$REPO" "check of a 50 MB file"
    run fix "$REPO"
    expect_status 0
    expect_warning "orders/huge.py: larger than the 10485760 byte limit"
    checks=$((checks + 1))
    # A hang guard, not a speed target: an unoptimised sanitizer build (SVCSCOPE_SANITIZERS=1) on a
    # busy machine is allowed four times as long.
    limit=30
    [ "${SVCSCOPE_SANITIZERS:-0}" = 1 ] && limit=120
    [ $(($(date +%s) - started)) -le $limit ] || fail "the 50 MB file took more than $limit s"
    git -C "$REPO" checkout -q -- orders/views.py
    rm -f "$REPO/orders/huge.py"
fi

# ---- max-file-size from the command line and from the config
write orders/big.py "$(python3 -c 'print("x = 1\n" * 400)')"
run check --max-file-size 1KiB "$REPO"
result "--max-file-size 1KiB"
expect_status 1
expect_warning "orders/big.py: larger than the 1024 byte limit (max-file-size), skipped"
write pyproject.toml '[tool.svcscope]
max-file-size = "1 KiB"
'
run check "$REPO"
expect_status 1
expect_warning "orders/big.py: larger than the 1024 byte limit (max-file-size), skipped"
run tree --max-file-size 4096 "$REPO"
expect_status 0
checks=$((checks + 1))
! printf '%s\n' "$ERR" | grep -q big.py || fail "--max-file-size did not win over the config: $ERR"
run tree "$REPO"
result "tree, max-file-size = \"1 KiB\" in the config"
expect_status 0
expect_warning "orders/big.py: larger than the 1024 byte limit (max-file-size), skipped"
for bad in 0 -1 10XB 2GiB "" abc; do
    run check --max-file-size "$bad" "$REPO"
    expect_status 2
    expect_err "--max-file-size takes a size from 1 byte to 1 GiB"
done
rm -f "$REPO/pyproject.toml" "$REPO/orders/big.py"

finish

#!/bin/sh
# The demo's findings are exactly the ones examples/demo/VIOLATIONS.md lists:
# code, path, line and severity, no more and no less.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo demo
cp -R "$TOP_SRCDIR/examples/demo/." "$REPO/"
git_commit_all

run check --format json "$REPO"
expect_status 1
checks=$((checks + 1))
printf '%s' "$OUT" | python3 -c '
import json, re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
want = set()
for line in doc.splitlines():
    m = re.match(r"\|\s*(SVC\d{3})\s*\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|\s*(\w+)\s*\|", line)
    if m:
        want.add((m.group(1), m.group(2), int(m.group(3)), m.group(4)))
got = {(f["code"], f["filename"], f["location"]["row"], f["severity"]) for f in json.load(sys.stdin)}
ok = True
for x in sorted(want - got):
    print("documented but not reported:", x); ok = False
for x in sorted(got - want):
    print("reported but not documented:", x); ok = False
if len(want) < 20:
    print("VIOLATIONS.md table not found"); ok = False
sys.exit(0 if ok else 1)
' "$TOP_SRCDIR/examples/demo/VIOLATIONS.md" >&2 || fail "the demo findings differ from examples/demo/VIOLATIONS.md"

finish

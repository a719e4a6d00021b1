#!/bin/sh
# `svcscope rules`: the catalogue, one rule explained, JSON, and docs/rules.md kept current.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

run rules
expect_status 0
expect_out "SVC201  deep-service-import"
expect_out "SVC501  logic-in-app"
checks=$((checks + 1))
[ "$(printf '%s\n' "$OUT" | grep -c '^SVC[0-9]')" -eq 29 ] || fail "expected 29 rules"

run rules SVC201
expect_status 0
expect_out "SVC201 [deep-service-import]  (error, fixable)"
expect_out "from services.integrations.google_calendar import get_credentials"
expect_out "from services.integrations import google_calendar"

run rules svc404
expect_status 0
expect_out "SVC404 [task-without-wrapper]"

run rules SVC999
expect_status 2
expect_err "no rule 'SVC999'"

run rules --format json
checks=$((checks + 1))
printf '%s' "$OUT" | python3 -c '
import json, sys
rules = json.load(sys.stdin)
assert len(rules) == 29
assert {r["severity"] for r in rules} == {"info", "warning", "error"}
assert all(r["url"].endswith("#" + r["code"].lower()) for r in rules)
' || fail "rules --format json"

run rules --format markdown
checks=$((checks + 1))
printf '%s\n' "$OUT" | diff -u "$TOP_SRCDIR/docs/rules.md" - >&2 || fail "docs/rules.md is out of date: run make docs"

finish

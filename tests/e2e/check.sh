#!/bin/sh
# `svcscope check` on real git repositories: output formats, exit statuses, selection,
# --staged, --diff, baselines, noqa and config errors.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write services/__init__.py ''
write services/integrations/__init__.py ''
write services/integrations/tests/__init__.py ''
write services/integrations/google_calendar/__init__.py 'from .credentials import get_credentials
'
write services/integrations/google_calendar/credentials.py 'def get_credentials(user):
    return user
'
write services/tasks/__init__.py ''
write services/tasks/tests/__init__.py ''
write services/tasks/email_tasks.py 'from shop.celery import app


@app.task
def _send_welcome(user_id):
    pass


def delay_send_welcome(user_id):
    return _send_welcome.delay(user_id)
'
write orders/__init__.py ''
write orders/models.py ''
write orders/views.py 'from services.integrations.google_calendar import get_credentials
from services.tasks import email_tasks


def signup(request):
    email_tasks.delay_send_welcome(request.user.id)
    return get_credentials(request.user)
'
git_commit_all

# text: one line per finding, a summary, exit 1
run check "$REPO"
expect_status 1
expect_out "orders/views.py:1:51: SVC201 [deep-service-import]"
expect_out "Found 1 violation (1 fixable)."
checks=$((checks + 1))
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq 2 ] || fail "expected exactly one finding and the summary"

# colour never when piped or NO_COLOR, and no escape codes in any case here
expect_no_out "$(printf '\033')"

# json follows the contract
run check --format json "$REPO"
expect_status 1
checks=$((checks + 1))
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d) == 1, d
f = d[0]
assert list(f) == ["code", "name", "severity", "message", "filename", "location", "end_location", "fix", "url"], list(f)
assert f["code"] == "SVC201" and f["name"] == "deep-service-import" and f["severity"] == "error"
assert f["filename"] == "orders/views.py"
assert f["location"] == {"row": 1, "column": 51}, f["location"]
assert f["url"].endswith("#svc201")
' || fail "json output does not follow the contract"

run check --format sarif "$REPO"
checks=$((checks + 1))
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["version"] == "2.1.0"
run = d["runs"][0]
assert run["tool"]["driver"]["name"] == "svcscope"
r = run["results"][0]
assert r["ruleId"] == "SVC201" and r["level"] == "error" and r["message"]["text"]
assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "orders/views.py"
' || fail "sarif output lacks required fields"

run check --format github "$REPO"
expect_out "::error file=orders/views.py,line=1,col=51"

# selection, severity threshold, exit-zero
run check --select SVC4 "$REPO"
expect_status 0
expect_out "Found 0 violations"
run check --ignore SVC201 "$REPO"
expect_status 0
run check --select SVC2 --ignore SVC201 "$REPO"
expect_status 0
run check --exit-zero "$REPO"
expect_status 0
expect_out "SVC201"
run check --select SVC999 "$REPO"
expect_status 2
expect_err "selects no rule"
run check --fail-on nonsense "$REPO"
expect_status 2
run check --format yaml "$REPO"
expect_status 2
expect_err "unknown format 'yaml'"

# noqa on the line suppresses it
sed -i '1s/$/  # noqa: SVC201/' "$REPO/orders/views.py"
run check "$REPO"
expect_status 0
sed -i '1s/  # noqa: SVC201$/  # noqa: E501/' "$REPO/orders/views.py"
run check "$REPO"
expect_status 1

# --staged checks the index, not the work tree
git -C "$REPO" checkout -q -- orders/views.py
write orders/views.py 'from services.tasks import email_tasks
'
run check --staged "$REPO"
expect_status 1
expect_out "SVC201"
run check "$REPO"
expect_status 0
git -C "$REPO" add orders/views.py
run check --staged "$REPO"
expect_status 0

# --diff REV reports only files changed since REV; the model still reads everything
git -C "$REPO" commit -q -m clean
write services/billing/__init__.py ''
write services/billing/tests/__init__.py ''
write services/billing/invoices.py 'from services.integrations.google_calendar import credentials
'
write orders/urls.py 'from services.integrations.google_calendar import get_credentials
'
git -C "$REPO" add -A
git -C "$REPO" commit -q -m two-deep-imports
write orders/urls.py 'from services.integrations.google_calendar import get_credentials  # still deep
'
run check --diff HEAD "$REPO"
expect_status 1
expect_out "orders/urls.py:1"
expect_no_out "services/billing/invoices.py"
run check "$REPO"
expect_out "services/billing/invoices.py:1"
# with a PATH, a folder holds what is below it, not a file that shares its name's start
cp "$REPO/services/billing/invoices.py" "$WORK/invoices.py"
printf '\n' >> "$REPO/services/billing/invoices.py"
write services/billing.py 'from services.integrations.google_calendar import credentials
'
run check --diff HEAD "$REPO/services/billing"
expect_status 1
expect_out "services/billing/invoices.py:1"
expect_no_out "services/billing.py"
run check --diff HEAD "$REPO/services/billing/"
expect_out "services/billing/invoices.py:1"
expect_no_out "services/billing.py"
run check --diff HEAD "$REPO/services"
expect_out "services/billing.py:1"
rm "$REPO/services/billing.py"
mv "$WORK/invoices.py" "$REPO/services/billing/invoices.py"

# PATH arguments limit what is reported
run check "$REPO/services"
expect_out "services/billing/invoices.py:1"
expect_no_out "orders/urls.py"

# baseline: today's findings recorded, only new ones reported, shifted lines still match
run check --write-baseline "$WORK/baseline.json" "$REPO"
expect_status 0
run check --baseline "$WORK/baseline.json" "$REPO"
expect_status 0
printf '\n\n# moved down\n' | cat - "$REPO/orders/urls.py" > "$WORK/urls.py" && mv "$WORK/urls.py" "$REPO/orders/urls.py"
run check --baseline "$WORK/baseline.json" "$REPO"
expect_status 0
write orders/admin.py 'from services.integrations.google_calendar import get_credentials
'
run check --baseline "$WORK/baseline.json" "$REPO"
expect_status 1
expect_out "orders/admin.py:1"
expect_no_out "orders/urls.py"
printf 'not json' > "$WORK/bad.json"
run check --baseline "$WORK/bad.json" "$REPO"
expect_status 2

# statistics
run check --statistics "$REPO"
expect_out "SVC201"

# a bad config is exit 2 naming file, line and key
write pyproject.toml '[tool.svcscope]
max-task-statements = "three"
'
run check "$REPO"
expect_status 2
expect_err "pyproject.toml:2: max-task-statements"
write pyproject.toml '[tool.svcscope]
selct = ["SVC2"]
'
run check "$REPO"
expect_status 2
expect_err 'did you mean "select"'

# a config-level exclude and per-file-ignores
write pyproject.toml '[tool.svcscope]
exclude = ["orders/admin.py"]

[tool.svcscope.per-file-ignores]
"orders/urls.py" = ["SVC201"]
'
run check "$REPO"
expect_no_out "orders/admin.py"
expect_no_out "orders/urls.py"
expect_out "services/billing/invoices.py"

# --exclude on the command line adds to the config
run check --exclude 'services/billing' "$REPO"
expect_no_out "services/billing/invoices.py"

# no services package: SVC100 once (info, not failing), task rules still run
new_repo legacy
write app/__init__.py ''
write app/models.py ''
write app/tasks.py 'from celery import shared_task


@shared_task
def crunch():
    pass


def kick():
    crunch.delay()
'
write app/views.py 'from app.tasks import crunch


def start(request):
    crunch.delay()
'
run check "$REPO"
expect_status 1
expect_out ".:1:1: SVC100 [no-services-root]"
expect_out "app/tasks.py:5:5: SVC401"
expect_out "app/views.py:5:5: SVC402"
expect_no_out "app/tasks.py:10:5: SVC402" # the task's wrapper moves with it: SVC401's finding
run check --fail-on error --select SVC100 "$REPO"
expect_status 0

# a path that does not exist
run check "$WORK/nope"
expect_status 2
expect_err "nope"

finish

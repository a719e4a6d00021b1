#!/bin/sh
# `svcscope callers` and `svcscope graph` on real repositories: every call form of a wrapper,
# direct .delay, JSON, ambiguous and unknown names, zero callers, dot and Mermaid output,
# and migration mode (no services package).
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/celery.py 'from celery import Celery
app = Celery("shop")
'
write services/__init__.py ''
write services/notifications/__init__.py ''
write services/notifications/email.py 'def send_welcome(user_id):
    pass
'
write services/notifications/signup.py 'from ..tasks.email_tasks import delay_send_welcome as welcome


def signup(user):
    welcome(user.id)
'
write services/tasks/__init__.py 'from .email_tasks import delay_send_welcome
'
write services/tasks/email_tasks.py 'from shop.celery import app
from services.notifications import email


@app.task
def _send_welcome(user_id):
    email.send_welcome(user_id)


def delay_send_welcome(user_id):
    return _send_welcome.delay(user_id)


@app.task
def _cleanup():
    pass


def delay_cleanup():
    return _cleanup.delay()
'
write services/tasks/sms_tasks.py 'from shop.celery import app


@app.task
def _send_code(phone):
    pass


def delay_cleanup():
    return _send_code.delay("")
'
write services/tasks/tests/__init__.py ''
write services/tasks/tests/test_email_tasks.py 'from services.tasks import email_tasks


def test_wrapper():
    email_tasks.delay_send_welcome(1)
'
write accounts/__init__.py ''
write accounts/apps.py 'from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
'
write accounts/views.py 'from functools import partial

from django.db import transaction

from services.tasks import email_tasks
from services.tasks import delay_send_welcome
import services.tasks.email_tasks as et
from services.tasks.email_tasks import _send_welcome


def register(request, delay_send_welcome=None):
    email_tasks.delay_send_welcome(request.user.id)
    delay_send_welcome(0)


def confirm(request):
    et.delay_send_welcome(2)
    transaction.on_commit(partial(email_tasks.delay_send_welcome, 3))


class Resend:
    def post(self, request):
        _send_welcome.delay(4)


def shadowed():
    delay_send_welcome = print
    delay_send_welcome(5)
'
write accounts/signals.py 'from services.tasks import delay_send_welcome
from django.db import transaction


def on_signup(sender, user, **kwargs):
    transaction.on_commit(delay_send_welcome)
'
git_commit_all

# a wrapper: one header, one line per call site, resolved through every import form
run callers delay_send_welcome "$REPO"
expect_status 0
expect_out "services.tasks.email_tasks.delay_send_welcome -> _send_welcome  (6 call sites)"
expect_out "accounts/views.py:12:5: in register: email_tasks.delay_send_welcome(request.user.id)"
expect_out "accounts/views.py:17:5: in confirm: et.delay_send_welcome(2)"
expect_out "accounts/views.py:18:35: in confirm: transaction.on_commit(partial(email_tasks.delay_send_welcome, 3))  [passed as a value]"
expect_out "accounts/signals.py:6:27: in on_signup: transaction.on_commit(delay_send_welcome)  [passed as a value]"
expect_out "services/notifications/signup.py:5:5: in signup: welcome(user.id)"
expect_out "services/tasks/tests/test_email_tasks.py:5:5: in test_wrapper: email_tasks.delay_send_welcome(1)"
expect_no_out "email_tasks.py:11:"      # the .delay inside the wrapper is the wrapper itself
expect_no_out "accounts/views.py:13:"   # a parameter named like the wrapper
expect_no_out "accounts/views.py:28:"   # a local variable named like the wrapper

# the same, with the dotted name and from a sub-folder; --no-tests leaves the test out
run callers --no-tests services.tasks.email_tasks.delay_send_welcome "$REPO/accounts"
expect_status 0
expect_out "services.tasks.email_tasks.delay_send_welcome -> _send_welcome  (5 call sites)"
expect_no_out "test_email_tasks.py"

# a task: its wrappers, the direct .delay outside them, what its body runs
run callers _send_welcome "$REPO"
expect_status 0
expect_out "task services.tasks.email_tasks._send_welcome  services/tasks/email_tasks.py:6"
expect_out "  runs services.notifications.email.send_welcome  (services/notifications/email.py:1)"
expect_out "services.tasks.email_tasks.delay_send_welcome -> _send_welcome  (6 call sites)"
expect_out "direct uses of _send_welcome outside its wrappers  (1 site)"
expect_out "accounts/views.py:23:9: in Resend.post: _send_welcome.delay(4)  [.delay outside the tasks service]"

# JSON: an object per wrapper and one for the task
run callers --format json _send_welcome "$REPO"
expect_status 0
checks=$((checks + 1))
printf '%s' "$OUT" | python3 -c '
import json, sys
objs = json.load(sys.stdin)
assert [o["kind"] for o in objs] == ["wrapper", "task"], objs
w, t = objs
assert w["name"] == "services.tasks.email_tasks.delay_send_welcome", w["name"]
assert w["task"] == "services.tasks.email_tasks._send_welcome"
assert w["location"] == {"filename": "services/tasks/email_tasks.py", "row": 10, "column": 5}, w["location"]
assert len(w["sites"]) == 6, w["sites"]
first = w["sites"][0]
assert first == {"filename": "accounts/signals.py", "row": 6, "column": 27, "enclosing": "on_signup",
                 "kind": "value", "source": "transaction.on_commit(delay_send_welcome)",
                 "outside_tasks_service": True}, first
assert {s["kind"] for s in w["sites"]} == {"call", "value"}
assert t["name"] == "services.tasks.email_tasks._send_welcome"
assert t["wrappers"] == ["services.tasks.email_tasks.delay_send_welcome"]
assert [c["name"] for c in t["calls"]] == ["services.notifications.email.send_welcome"]
assert [(s["filename"], s["row"], s["kind"], s["enclosing"]) for s in t["sites"]] == \
    [("accounts/views.py", 23, "delay", "Resend.post")], t["sites"]
' || fail "callers --format json does not describe the sites"

# ambiguous: two wrappers named delay_cleanup; both listed with their places, exit 2
run callers delay_cleanup "$REPO"
expect_status 2
expect_err "'delay_cleanup' is ambiguous"
expect_err "services.tasks.email_tasks.delay_cleanup  (wrapper, services/tasks/email_tasks.py:19)"
expect_err "services.tasks.sms_tasks.delay_cleanup  (wrapper, services/tasks/sms_tasks.py:9)"
# a dotted suffix settles it; zero callers are said plainly
run callers email_tasks.delay_cleanup "$REPO"
expect_status 0
expect_out "services.tasks.email_tasks.delay_cleanup -> _cleanup  (0 call sites)"
expect_out "no call sites: nothing in the repository calls delay_cleanup"
run callers _cleanup "$REPO"
expect_status 0
expect_out "services.tasks.email_tasks._cleanup has no callers"

# unknown
run callers delay_nothing "$REPO"
expect_status 2
expect_err "no task or wrapper named delay_nothing; \`svcscope tree\` lists them"
run callers "$REPO"
expect_status 2
run callers --format xml _cleanup "$REPO"
expect_status 2
expect_err "unknown format"

# a new call site in the work tree only: --rev HEAD does not see it
write accounts/admin.py 'from services.tasks import email_tasks


def resend(modeladmin, request, queryset):
    email_tasks.delay_cleanup()
'
run callers email_tasks.delay_cleanup "$REPO"
expect_out "(1 call site)"
expect_out "accounts/admin.py:5:5: in resend: email_tasks.delay_cleanup()"
run callers --rev HEAD email_tasks.delay_cleanup "$REPO"
expect_out "(0 call sites)"

# graph, dot: clusters per service and app, one aggregated edge per calling module
run graph --format dot "$REPO"
expect_status 0
expect_out "digraph svcscope {"
expect_out "subgraph cluster_service_tasks"
expect_out "subgraph cluster_module_services_tasks_email_tasks"
expect_out "subgraph cluster_app_accounts"
expect_out "[label=\"3 calls\""
expect_out "[label=\".delay (1)\", style=dashed, color=\"#cc0000\""
expect_out "[label=\"send_welcome\", style=dotted"
expect_no_out "test_email_tasks"
checks=$((checks + 1))
[ "$(printf '%s\n' "$OUT" | grep -c '{')" = "$(printf '%s\n' "$OUT" | grep -c '^ *}')" ] || fail "unbalanced braces in dot output"
if command -v dot >/dev/null 2>&1; then
    checks=$((checks + 1))
    printf '%s\n' "$OUT" > "$WORK/graph.dot"
    dot -Tsvg "$WORK/graph.dot" -o "$WORK/graph.svg" 2>"$WORK/dot.err" || fail "dot rejected the graph: $(cat "$WORK/dot.err")"
    grep -q '<svg' "$WORK/graph.svg" || fail "dot made no SVG"
else
    skip_part "graphviz (dot) not installed: the dot -Tsvg check"
fi
run graph --tests "$REPO"
expect_out "test_email_tasks"

# graph, Mermaid: a flowchart with subgraphs, labelled edges, the red edge styled
run graph --format mermaid "$REPO"
expect_status 0
expect_out "flowchart LR"
expect_out "subgraph c"
expect_out "[\"services.tasks\"]"
expect_out "-->|\"3 calls\"|"
expect_out "-.->|\".delay (1)\"|"
expect_out "stroke:#cc0000"
checks=$((checks + 1))
printf '%s\n' "$OUT" | python3 -c '
import re, sys
lines = [l for l in sys.stdin.read().splitlines() if l.strip() and not l.startswith("%%")]
assert lines[0] == "flowchart LR", lines[0]
depth = 0
for l in lines[1:]:
    s = l.strip()
    if s.startswith("subgraph "):
        depth += 1
    elif s == "end":
        depth -= 1
        assert depth >= 0, "end without subgraph"
    else:
        assert re.match(r"^(n\d+\[\".*\"\]|n\d+ (-->|-\.->)\|\"[^\"]*\"\| n\d+|classDef \w+ .*|class [n\d,]+ \w+|linkStyle \d+ .*)$", s), s
assert depth == 0, "unclosed subgraph"
' || fail "mermaid output is not a well-formed flowchart"
run graph --format svg "$REPO"
expect_status 2

# migration mode: no services package; tasks in an app, a wrapper named anything
new_repo legacy
write manage.py ''
write orders/__init__.py ''
write orders/models.py 'from django.db import models


class Order(models.Model):
    pass
'
write orders/tasks.py 'from celery import shared_task


@shared_task
def sync_stock(order_id):
    pass


def sync_later(order_id):
    sync_stock.delay(order_id)
'
write orders/views.py 'from .tasks import sync_stock, sync_later


def buy(request):
    sync_stock.delay(1)
    sync_later(2)
'
write catalog/__init__.py ''
write catalog/signals.py 'from orders import tasks


def on_save(sender, **kwargs):
    tasks.sync_stock.apply_async((3,))
'
git_commit_all
run callers sync_stock "$REPO"
expect_status 0
expect_out "orders.tasks.sync_later -> sync_stock  (1 call site)"
expect_out "orders/views.py:6:5: in buy: sync_later(2)"
expect_out "direct uses of sync_stock outside its wrappers  (2 sites)"
expect_out "catalog/signals.py:5:5: in on_save: tasks.sync_stock.apply_async((3,))  [.apply_async]"
expect_out "orders/views.py:5:5: in buy: sync_stock.delay(1)  [.delay]"
run graph "$REPO"
expect_status 0
expect_out "subgraph cluster_package_orders"
expect_out "subgraph cluster_package_catalog"
expect_out "[label=\".apply_async (1)\", style=dashed, color=\"#cc0000\""
if command -v dot >/dev/null 2>&1; then
    checks=$((checks + 1))
    printf '%s\n' "$OUT" | dot -Tsvg >/dev/null 2>"$WORK/dot.err" || fail "dot rejected the migration graph: $(cat "$WORK/dot.err")"
fi

finish

/* The rule catalogue: codes, names, severities, explanations (spec/RULES.md) and each rule's
 * fixer (fixes_<family>.c). `svcscope rules` and docs/rules.md are generated from this one table. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "svcscope/rules.h"
#include "fixers.h"

static const svc_rule catalogue[] = {
    { "SVC100", "no-services-root", SVC_SEVERITY_INFO,
      "No services package was found, so only the task rules run.",
      "All business logic lives in a shared `services` package.",
      "(a repository without a services/ package with an __init__.py)",
      "services/__init__.py\nservices/billing/__init__.py\nservices/tasks/__init__.py",
      NULL,
      NULL },
    { "SVC101", "service-not-package", SVC_SEVERITY_ERROR,
      "The services root or a service folder has no `__init__.py`.",
      "Services are Python packages: `services/` and every `services/<service>/` hold an `__init__.py`.",
      "services/billing/invoices.py   # and no services/billing/__init__.py",
      "services/billing/__init__.py\nservices/billing/invoices.py",
      "Create an empty `__init__.py`.",
      fx_layout_101 },
    { "SVC102", "module-outside-service", SVC_SEVERITY_ERROR,
      "A Python module sits directly in the services root instead of inside a service.",
      "Code goes into a service: `services/<service>/<module>.py`.",
      "services/utils.py",
      "services/common/utils.py",
      NULL,
      NULL },
    { "SVC103", "test-outside-tests-folder", SVC_SEVERITY_ERROR,
      "A test module inside a service is not in the service's `tests/` folder.",
      "All service tests are in a folder at the top level of the service.",
      "services/billing/test_invoices.py",
      "services/billing/tests/test_invoices.py",
      "Move the file into `services/<service>/tests/` (the move is staged too).",
      fx_layout_103 },
    { "SVC104", "tests-not-package", SVC_SEVERITY_ERROR,
      "A service's `tests/` folder has no `__init__.py`.",
      "The tests folder of a service is a package.",
      "services/billing/tests/test_invoices.py   # and no tests/__init__.py",
      "services/billing/tests/__init__.py",
      "Create an empty `tests/__init__.py`.",
      fx_layout_104 },
    { "SVC105", "test-module-name", SVC_SEVERITY_INFO,
      "A file in a service's `tests/` folder is not named `test_*.py`.",
      "Test modules are named `test_{module}.py`.",
      "services/billing/tests/invoices_checks.py",
      "services/billing/tests/test_invoices.py   (helpers go in conftest.py or a helper package)",
      NULL,
      NULL },
    { "SVC106", "service-without-tests", SVC_SEVERITY_WARNING,
      "A service has no `tests/` folder.",
      "Every service has its tests in a `tests/` folder at its root.",
      "services/reports/   # no tests/",
      "services/reports/tests/__init__.py\nservices/reports/tests/test_weekly.py",
      NULL,
      NULL },
    { "SVC201", "deep-service-import", SVC_SEVERITY_ERROR,
      "An import binds a name more than three levels down a service.",
      "When using a service, never import (or chain) more than 3 levels down.",
      "from services.integrations.google_calendar import get_credentials\nget_credentials(user)",
      "from services.integrations import google_calendar\ngoogle_calendar.get_credentials(user)",
      "Import the depth-3 module and qualify every use: `google_calendar.get_credentials`.",
      fx_imports_201 },
    { "SVC202", "deep-service-chain", SVC_SEVERITY_ERROR,
      "An attribute chain goes more than one member past a depth-3 service module.",
      "When using a service, never import (or chain) more than 3 levels down.",
      "google_calendar.credentials.get_credentials(user)",
      "google_calendar.get_credentials(user)",
      "Where the depth-3 package re-exports the member, shorten the chain to it.",
      fx_imports_202 },
    { "SVC203", "service-imports-app", SVC_SEVERITY_ERROR,
      "A service imports from a Django app something other than its models.",
      "Services never import from a Django app except for `models`.",
      "# services/billing/invoices.py\nfrom orders.views import order_total",
      "# services/billing/invoices.py\nfrom orders.models import Order",
      NULL,
      NULL },
    { "SVC301", "exception-not-at-root", SVC_SEVERITY_ERROR,
      "An exception defined in a service's module cannot be imported from the service root.",
      "Exceptions should be available at the root of the service.",
      "# services/billing/errors.py\nclass RefundError(Exception): ...\n# services/billing/__init__.py does not import it",
      "# services/billing/__init__.py\nfrom .errors import RefundError",
      "Add `from .<module> import <Exception>` to the service's `__init__.py` (and to `__all__`).",
      fx_exceptions_301 },
    { "SVC302", "exceptions-module-import", SVC_SEVERITY_WARNING,
      "Code outside a service imports a module of it that holds only exceptions.",
      "Exceptions are imported from the service root by name, not through their module.",
      "from services.billing import errors\nexcept errors.PaymentError: ...",
      "from services.billing import PaymentError\nexcept PaymentError: ...",
      "Import the exception names used from the service root and use them bare.",
      fx_exceptions_302 },
    { "SVC303", "qualified-exception", SVC_SEVERITY_WARNING,
      "An exception of a service is used qualified, as `service.Exception`, outside it.",
      "For most cases the exception name is enough to identify what it means.",
      "from services import billing\nexcept billing.PaymentError: ...",
      "from services.billing import PaymentError\nexcept PaymentError: ...",
      "Import the name from the service root and use it bare.",
      fx_exceptions_303 },
    { "SVC401", "task-outside-tasks-service", SVC_SEVERITY_ERROR,
      "A Celery task is defined outside the tasks service.",
      "All tasks are defined inside the `tasks` service.",
      "# orders/tasks.py\n@shared_task\ndef sync_stock(): ...",
      "# services/tasks/stock_tasks.py\n@app.task\ndef _sync_stock(): ...\n\ndef delay_sync_stock():\n    return _sync_stock.delay()",
      NULL,
      NULL },
    { "SVC402", "delay-outside-tasks-service", SVC_SEVERITY_ERROR,
      "A task is queued outside the tasks service: `.delay()`/`.apply_async()` called or passed as a value, "
      "`send_task(\"<registered name>\")`, or a `dispatch-functions` helper.",
      "There should never be a `.delay` call in the code besides inside the tasks service.",
      "_send_receipt.delay(order.id)",
      "email_tasks.delay_send_receipt(order.id)",
      "Call the task's `delay_` wrapper instead (added next to the task when it has none) and import its tasks "
      "module; `.apply_async` only with literal args/kwargs, and execution options only when the wrapper takes "
      "them.",
      fx_tasks_402 },
    { "SVC403", "public-task", SVC_SEVERITY_ERROR,
      "A Celery task's name does not start with `_`.",
      "All functions wrapped by the task decorator are private.",
      "@app.task\ndef send_receipt(order_id): ...",
      "@app.task(name=\"services.tasks.email_tasks.send_receipt\")\ndef _send_receipt(order_id): ...",
      "Rename to `_name`, keep the registered Celery name with `name=`, update references, add the wrapper.",
      fx_tasks_403 },
    { "SVC404", "task-without-wrapper", SVC_SEVERITY_ERROR,
      "A task in the tasks service has no public function in its module that calls its `.delay`.",
      "There is a public interface to the task, in the same module, that calls `.delay`.",
      "@app.task\ndef _send_receipt(order_id): ...   # nothing calls _send_receipt.delay",
      "def delay_send_receipt(order_id):\n    return _send_receipt.delay(order_id)",
      "Add `def delay_<name>(<params>): return _<name>.delay(<params>)` after the task.",
      fx_tasks_404 },
    { "SVC405", "wrapper-not-named-delay", SVC_SEVERITY_ERROR,
      "A public function in the tasks service calls `.delay` but its name does not start with `delay_`.",
      "Services that delay tasks start with `delay_`.",
      "def send_receipt_later(order_id):\n    return _send_receipt.delay(order_id)",
      "def delay_send_receipt(order_id):\n    return _send_receipt.delay(order_id)",
      "Rename to `delay_<...>` and update every call site in the repository.",
      fx_tasks_405 },
    { "SVC406", "tasks-module-name", SVC_SEVERITY_WARNING,
      "A module of the tasks service is not named `*_tasks.py`.",
      "All modules in the tasks service have `_tasks` in their name.",
      "services/tasks/cleanup.py",
      "services/tasks/cleanup_tasks.py",
      NULL,
      NULL },
    { "SVC407", "logic-in-task", SVC_SEVERITY_WARNING,
      "A task body does more than hand off to a service (loops, ORM writes, or too many statements).",
      "Business logic is never inside a task: it imports from a service and runs it.",
      "@app.task\ndef _close_orders():\n    for o in Order.objects.filter(open=True):\n        o.open = False\n        o.save()",
      "@app.task\ndef _close_orders():\n    orders.close_stale_orders()",
      NULL,
      NULL },
    { "SVC501", "logic-in-app", SVC_SEVERITY_WARNING,
      "A Django app holds business logic: a non-glue module with functions, or a view/serializer/form "
      "method that writes through the ORM.",
      "No business logic goes inside a Django app: import it from a service and call it.",
      "# accounts/helpers.py\ndef deactivate_user(user): ...",
      "# services/accounts/users.py\ndef deactivate_user(user): ...",
      NULL,
      NULL },
    { "SVC601", "task-call-mismatch", SVC_SEVERITY_ERROR,
      "A call that queues a task (`.delay`, `.apply_async`, a `delay_` wrapper, a signature, a dispatch "
      "function) passes arguments that cannot bind to the task's (or wrapper's) parameters.",
      "A `delay_` wrapper gives the task an API whose mistakes show where they are made, not on the worker.",
      "@app.task\ndef _send_receipt(order_id, copy=False): ...\n\n_send_receipt.delay(order_id, False, True)\n"
      "_send_receipt.apply_async(kwargs={\"order\": order_id})",
      "_send_receipt.delay(order_id, copy=True)\n_send_receipt.apply_async(args=[order_id])",
      NULL,
      NULL },
    { "SVC602", "delay-in-transaction", SVC_SEVERITY_WARNING,
      "A task is queued inside `transaction.atomic` and not through `transaction.on_commit`: the worker can "
      "run before the commit, or for a row that is rolled back.",
      "Code runs before a task is queued: queue it once the data it reads is committed.",
      "with transaction.atomic():\n    order.save()\n    _send_receipt.delay(order.id)",
      "with transaction.atomic():\n    order.save()\n    transaction.on_commit(lambda: _send_receipt.delay(order.id))",
      "Wrap the call in `transaction.on_commit(lambda: ...)` (adding `from django.db import transaction` when "
      "needed); the task is then queued only if the transaction commits.",
      fx_celery_602 },
    { "SVC603", "task-module-not-registered", SVC_SEVERITY_ERROR,
      "A `*_tasks.py` module of the tasks service is imported by nothing the Celery worker imports.",
      "The worker registers the tasks of the modules it imports; a task it never registered fails as "
      "\"Received unregistered task\".",
      "# services/tasks/__init__.py\nfrom . import email_tasks\n# services/tasks/billing_tasks.py is in no "
      "include=/imports, and autodiscover_tasks() looks for <app>.tasks",
      "# services/tasks/__init__.py\nfrom . import billing_tasks, email_tasks",
      "Add `from . import <module>` to `services/tasks/__init__.py`.",
      fx_registration_603 },
    { "SVC604", "model-instance-argument", SVC_SEVERITY_WARNING,
      "A Django model instance is passed to a task or a `delay_` wrapper: it may not serialize, and the "
      "worker gets the row as it was when queued.",
      "The `delay_` API is \"designed for usability without the restrictions imposed by a Celery task (eg.: no "
      "passing of objects that are complex to serialize)\": pass primary keys.",
      "order = Order.objects.get(pk=order_id)\ndelay_send_receipt(order)",
      "order = Order.objects.get(pk=order_id)\ndelay_send_receipt(order.pk)",
      NULL,
      NULL },
    { "SVC605", "task-name-changed", SVC_SEVERITY_ERROR,
      "With `--diff REV`: a task's registered Celery name changed since REV (renamed or moved without "
      "`name=`), or it takes a new parameter without a default.",
      "Queued messages and beat entries name a task by its registered name and pass the arguments it took; "
      "a worker running the new code rejects the old name and cannot bind the old arguments.",
      "# at REV: services/tasks/email_tasks.py\n@app.task\ndef _send(user_id): ...\n"
      "# now: services/tasks/mail_tasks.py (moved)\n@app.task\ndef _send(user_id): ...",
      "# now: services/tasks/mail_tasks.py\n@app.task(name=\"services.tasks.email_tasks._send\")\n"
      "def _send(user_id): ...",
      "Add `name=\"<old registered name>\"` to the task's decorator.",
      fx_registration_605 },
    { "SVC606", "blocking-result-in-task", SVC_SEVERITY_WARNING,
      "A task waits (`.get()`, `.wait()`, `.join()`) for the result of a task, group or chain it queued: the "
      "pool can deadlock.",
      "A task body hands off and returns; Celery: \"never launch synchronous subtasks\".",
      "@app.task\ndef _close_day():\n    _total.delay().get()",
      "@app.task\ndef _close_day():\n    chain(_total.s(), _report.s()).delay()",
      NULL,
      NULL },
    { "SVC607", "unknown-scheduled-task", SVC_SEVERITY_ERROR,
      "A beat schedule entry names a task that no task of the repo is registered under.",
      "A task is queued by its registered Celery name; celery beat queues the name its entry gives, and the "
      "worker rejects a name no task is registered under.",
      "app.conf.beat_schedule = {\n    \"expire\": {\"task\": \"services.tasks.cleanup_tasks.expire_orders\", "
      "\"schedule\": 3600},\n}   # the task is _expire_orders",
      "app.conf.beat_schedule = {\n    \"expire\": {\"task\": \"services.tasks.cleanup_tasks._expire_orders\", "
      "\"schedule\": 3600},\n}",
      NULL,
      NULL },
    { "SVC900", "unused-noqa", SVC_SEVERITY_INFO,
      "An svcscope code in a `# noqa` comment suppresses no finding on its line.",
      "Suppressions that suppress nothing hide the next real finding on that line; keep them honest.",
      "from services.billing import invoices  # noqa: SVC201",
      "from services.billing import invoices",
      "Remove the unused svcscope codes from the comment (the whole `# noqa` when nothing else is left).",
      fx_hygiene_900 },
};

/* One finding per root cause, as ruff does: where one mistake trips several rules, these say which
 * rule stays silent. Kept beside the catalogue so docs/rules.md shows them. */
static const struct {
    const char *code;
    const char *text;
} precedence[] = {
    { "SVC401",
      "SVC401 is the one finding for a task outside the tasks service: its message carries the rename to "
      "`_name` and the `delay_` wrapper, so SVC403 and SVC404 do not fire on that task, `.delay`/`.apply_async` "
      "inside its body or its wrappers is not an SVC402, and SVC501 does not count it (or its wrappers)." },
    { "SVC402",
      "Not reported inside the body of a task that SVC401 reports, nor inside that task's wrappers: they move "
      "with the task. Outside the tasks service a wrapper is a function whose body does nothing but queue the "
      "task (docstring aside, `<task>.delay(...)` or `.apply_async(...)` as a statement, returned, or inside one "
      "`transaction.on_commit(...)`); a larger function that queues it stays where it is, and its `.delay` is "
      "reported." },
    { "SVC403", "Judges tasks of the tasks service only: a task elsewhere gets SVC401, whose message carries the "
                "rename." },
    { "SVC404", "Judges tasks of the tasks service only: a task elsewhere gets SVC401, whose message carries the "
                "wrapper." },
    { "SVC501",
      "Celery tasks, and the wrappers of tasks SVC401 reports, are not counted: a module whose only functions "
      "are tasks gets SVC401 alone. Reported at the first function counted." },
};

const char *svc_rule_precedence(const char *code)
{
    for (size_t i = 0; i < sizeof precedence / sizeof *precedence; i++)
        if (strcasecmp(precedence[i].code, code) == 0) return precedence[i].text;
    return NULL;
}

const svc_rule *svc_rules(size_t *count)
{
    *count = sizeof catalogue / sizeof *catalogue;
    return catalogue;
}

const svc_rule *svc_rule_by_code(const char *code)
{
    for (size_t i = 0; i < sizeof catalogue / sizeof *catalogue; i++)
        if (strcasecmp(catalogue[i].code, code) == 0) return &catalogue[i];
    return NULL;
}

bool svc_rule_matches(const char *code, const char *selector)
{
    if (strcasecmp(selector, "ALL") == 0) return true;
    size_t n = strlen(selector);
    return n <= strlen(code) && strncasecmp(code, selector, n) == 0;
}

/*
 * Fixes (fixes*.c) on fixture repositories: run the check, take the fix, apply its edits and file
 * operations with a small applier written here, compare the exact text, then check again: the
 * violation is gone, every file still parses, and nothing is left to fix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testlib.h"
#include "svcscope/fix.h"
#include "svcscope/util.h"

/* ---- fixtures ------------------------------------------------------------------------------- */

static const tl_file base[] = {
    { "manage.py", "import os\n" },
    { "shop/__init__.py", "" },
    { "shop/celery.py", "from celery import Celery\napp = Celery('shop')\n" },
    { "shop/settings.py", "INSTALLED_APPS = ['orders']\n" },
    { "orders/__init__.py", "" },
    { "orders/apps.py", "from django.apps import AppConfig\n" },
    { "orders/models.py", "from django.db import models\nclass Order(models.Model):\n    pass\n" },
    { "services/__init__.py", "" },
    { "services/integrations/__init__.py", "" },
    { "services/integrations/google_calendar/__init__.py", "from .credentials import get_credentials, Client\n" },
    { "services/integrations/google_calendar/credentials.py",
      "def get_credentials(user):\n    return user\n\n\nclass Client:\n    pass\n" },
    { "services/integrations/google_calendar/helpers.py", "def other():\n    pass\n" },
    { "services/integrations/tests/__init__.py", "" },
    { "services/integrations/tests/test_calendar.py", "def test_it():\n    pass\n" },
    { "services/billing/__init__.py", "from .errors import PaymentError\n" },
    { "services/billing/errors.py",
      "class PaymentError(Exception):\n    pass\n\n\nclass RefundError(Exception):\n    pass\n" },
    { "services/billing/invoices.py", "def total(order):\n    return 0\n" },
    { "services/billing/tests/__init__.py", "" },
    { "services/billing/tests/test_invoices.py", "def test_total():\n    pass\n" },
    { "services/tasks/__init__.py", "" },
    { "services/tasks/tests/__init__.py", "" },
    { "services/tasks/tests/test_email_tasks.py", "def test_it():\n    pass\n" },
    { NULL, NULL },
};

/* Checks with only `select` selected and computes the fixes, as the presenters that show them do. */
static svc_diagnostics *check_fixes(const svc_model *m, const char *select)
{
    svc_diagnostics *d = tl_check(m, select);
    svc_diagnostics_compute_fixes(m, d);
    return d;
}

static char *make_repo(const tl_file *extra)
{
    char *root = tl_tempdir();
    tl_write_files(root, base);
    if (extra) tl_write_files(root, extra);
    return root;
}

static void drop_repo(char *root)
{
    tl_rmrf(root);
    free(root);
}

static void remove_file(const char *root, const char *path)
{
    char *full = svc_xasprintf("%s/%s", root, path);
    if (remove(full) != 0) fail_msg("remove %s: %s", full, strerror(errno));
    free(full);
}

static bool exists(const char *root, const char *path)
{
    char *full = svc_xasprintf("%s/%s", root, path);
    struct stat st;
    bool yes = stat(full, &st) == 0;
    free(full);
    return yes;
}

/* ---- a small applier, as ruff does it ------------------------------------------------------------ */

typedef struct accepted_edit {
    const svc_edit *e;
    size_t order;
} accepted_edit;

static int compare_accepted(const void *pa, const void *pb)
{
    const accepted_edit *a = pa, *b = pb;
    int c = strcmp(a->e->path, b->e->path);
    if (c) return c;
    if (a->e->start != b->e->start) return a->e->start < b->e->start ? -1 : 1;
    if (a->e->end != b->e->end) return a->e->end < b->e->end ? -1 : 1;
    return a->order < b->order ? -1 : 1;
}

static bool same_edit(const svc_edit *a, const svc_edit *b)
{
    return strcmp(a->path, b->path) == 0 && a->start == b->start && a->end == b->end && strcmp(a->text, b->text) == 0;
}

static bool overlap(const svc_edit *a, const svc_edit *b)
{
    return strcmp(a->path, b->path) == 0 && a->start < b->end && b->start < a->end;
}

/*
 * Applies fixes in order: a fix with an edit overlapping one already taken (and not identical to
 * it) is skipped whole; identical edits are applied once. Returns how many fixes were applied.
 */
static size_t apply_fixes(const char *root, const svc_fix *const *fixes, size_t n)
{
    SVC_VEC(accepted_edit) taken = { 0 };
    SVC_VEC(const svc_file_op *) ops = { 0 };
    size_t applied = 0;
    for (size_t f = 0; f < n; f++) {
        const svc_fix *fix = fixes[f];
        /* within a fix: sorted by path then start, never overlapping */
        for (size_t i = 1; i < fix->nedits; i++) {
            int c = strcmp(fix->edits[i - 1].path, fix->edits[i].path);
            assert_true(c < 0 || (c == 0 && fix->edits[i - 1].end <= fix->edits[i].start));
        }
        bool conflict = false;
        for (size_t i = 0; i < fix->nedits && !conflict; i++)
            for (size_t k = 0; k < taken.len && !conflict; k++)
                if (!same_edit(taken.items[k].e, &fix->edits[i]) && overlap(taken.items[k].e, &fix->edits[i]))
                    conflict = true;
        if (conflict) continue;
        for (size_t i = 0; i < fix->nedits; i++) {
            bool dup = false;
            for (size_t k = 0; k < taken.len && !dup; k++) dup = same_edit(taken.items[k].e, &fix->edits[i]);
            if (!dup) {
                accepted_edit a = { &fix->edits[i], taken.len };
                svc_vec_push(&taken, a);
            }
        }
        for (size_t i = 0; i < fix->nops; i++) svc_vec_push(&ops, &fix->ops[i]);
        applied++;
    }
    if (taken.len) qsort(taken.items, taken.len, sizeof *taken.items, compare_accepted);
    for (size_t i = 0; i < taken.len;) {
        size_t j = i;
        while (j < taken.len && strcmp(taken.items[j].e->path, taken.items[i].e->path) == 0) j++;
        const char *path = taken.items[i].e->path;
        char *text = tl_read(root, path);
        size_t len = strlen(text);
        svc_buf out = { 0 };
        svc_buf_puts(&out, "");
        size_t pos = 0;
        for (size_t k = i; k < j; k++) {
            const svc_edit *e = taken.items[k].e;
            assert_true(e->start >= pos && e->end <= len);
            svc_buf_append(&out, text + pos, e->start - pos);
            svc_buf_puts(&out, e->text);
            pos = e->end;
        }
        svc_buf_append(&out, text + pos, len - pos);
        tl_write(root, path, out.data);
        svc_buf_free(&out);
        free(text);
        i = j;
    }
    for (size_t i = 0; i < ops.len; i++) {
        const svc_file_op *op = ops.items[i];
        if (op->kind == SVC_FILE_CREATE) {
            assert_false(exists(root, op->path));
            tl_write(root, op->path, op->content);
        } else {
            assert_false(exists(root, op->to));
            char *content = tl_read(root, op->path);
            tl_write(root, op->to, content);
            free(content);
            remove_file(root, op->path);
        }
    }
    svc_vec_free(&taken);
    svc_vec_free(&ops);
    return applied;
}

/* ---- checking ------------------------------------------------------------------------------------- */

/* The fix of the one finding with this code at path:row (row 0: anywhere in the path). */
static const svc_fix *fix_of(const svc_diagnostics *d, const char *code, const char *path, unsigned row)
{
    const svc_diagnostic *found = NULL;
    size_t n = 0;
    for (size_t i = 0; i < d->len; i++) {
        const svc_diagnostic *x = &d->items[i];
        if (strcmp(x->rule->code, code) == 0 && strcmp(x->path, path) == 0 && (!row || x->span.row + 1 == row)) {
            found = x;
            n++;
        }
    }
    if (n != 1) {
        tl_dump(d);
        fail_msg("expected one %s at %s:%u, found %zu", code, path, row, n);
    }
    return found->fix;
}

/* Checks `code`, applies the fix of the finding at path:row (which must have one); returns its message. */
static char *apply_one(const char *root, const char *code, const char *path, unsigned row, svc_applicability want)
{
    tl_repo repo;
    tl_repo_open(&repo, root);
    svc_diagnostics *d = check_fixes(repo.model, code);
    const svc_fix *fix = fix_of(d, code, path, row);
    if (!fix) {
        tl_dump(d);
        fail_msg("no fix for %s at %s:%u", code, path, row);
    }
    assert_int_equal(fix->applicability, want);
    assert_non_null(fix->message);
    char *message = svc_xstrdup(fix->message);
    assert_int_equal(apply_fixes(root, &fix, 1), 1);
    svc_diagnostics_free(d);
    tl_repo_close(&repo);
    return message;
}

/* Checks `select` and applies every fix of the findings with `code` (NULL: any) together. */
static size_t apply_all(const char *root, const char *select, const char *code)
{
    tl_repo repo;
    tl_repo_open(&repo, root);
    svc_diagnostics *d = check_fixes(repo.model, select);
    SVC_VEC(const svc_fix *) fixes = { 0 };
    for (size_t i = 0; i < d->len; i++)
        if (d->items[i].fix && (!code || strcmp(d->items[i].rule->code, code) == 0)) svc_vec_push(&fixes, d->items[i].fix);
    size_t n = fixes.len ? apply_fixes(root, fixes.items, fixes.len) : 0;
    svc_vec_free(&fixes);
    svc_diagnostics_free(d);
    tl_repo_close(&repo);
    return n;
}

/* The finding at path:row has no fix. */
static void assert_no_fix(const char *root, const char *code, const char *path, unsigned row)
{
    tl_repo repo;
    tl_repo_open(&repo, root);
    svc_diagnostics *d = check_fixes(repo.model, code);
    if (fix_of(d, code, path, row)) fail_msg("unexpected fix for %s at %s:%u", code, path, row);
    svc_diagnostics_free(d);
    tl_repo_close(&repo);
}

/* The finding at path:row has no fix, and says why with `reason` in its words. */
static void assert_no_fix_because(const char *root, const char *code, const char *path, unsigned row,
                                  const char *reason)
{
    tl_repo repo;
    tl_repo_open(&repo, root);
    svc_diagnostics *d = check_fixes(repo.model, code);
    if (fix_of(d, code, path, row)) fail_msg("unexpected fix for %s at %s:%u", code, path, row);
    const char *why = NULL;
    for (size_t i = 0; i < d->len; i++)
        if (strcmp(d->items[i].rule->code, code) == 0 && strcmp(d->items[i].path, path) == 0 &&
            d->items[i].span.row + 1 == row)
            why = d->items[i].no_fix;
    if (!why || !strstr(why, reason))
        fail_msg("%s at %s:%u: expected a reason with \"%s\", got \"%s\"", code, path, row, reason, why ? why : "(none)");
    svc_diagnostics_free(d);
    tl_repo_close(&repo);
}

/* After a fix: no `code` finding left in `path` (NULL: anywhere), every file parses, and what is
 * left has no fix that changes anything. */
static void assert_fixed(const char *root, const char *code, const char *path)
{
    tl_repo repo;
    tl_repo_open(&repo, root);
    for (size_t i = 0; i < repo.model->nfiles; i++)
        if (repo.model->files[i].facts->nerrors) fail_msg("%s does not parse", repo.model->files[i].path);
    svc_diagnostics *d = check_fixes(repo.model, code);
    size_t left = 0;
    for (size_t i = 0; i < d->len; i++)
        left += svc_str_starts_with(d->items[i].rule->code, code) && (!path || strcmp(d->items[i].path, path) == 0);
    if (left != 0) {
        tl_dump(d);
        fail_msg("%s still reported in %s", code, path ? path : "the repo");
    }
    size_t fixable = 0;
    for (size_t i = 0; i < d->len; i++) fixable += d->items[i].fix != NULL;
    svc_diagnostics_free(d);
    tl_repo_close(&repo);
    if (fixable && !path) fail_msg("%zu fixes left after fixing %s", fixable, code);
}

/* The finding with `code` at path:row is gone, and the file parses. */
static void assert_gone(const char *root, const char *code, const char *path, unsigned row)
{
    tl_repo repo;
    tl_repo_open(&repo, root);
    assert_int_equal(tl_file_named(repo.model, path)->facts->nerrors, 0);
    svc_diagnostics *d = tl_check(repo.model, code);
    if (tl_count(d, code, path, row) != 0) {
        tl_dump(d);
        fail_msg("%s still reported at %s:%u", code, path, row);
    }
    svc_diagnostics_free(d);
    tl_repo_close(&repo);
}

static void assert_file(const char *root, const char *path, const char *want)
{
    char *got = tl_read(root, path);
    assert_string_equal(got, want);
    free(got);
}

/* ---- SVC101 / SVC104 / SVC103 ----------------------------------------------------------------------- */

static void test_101_creates_init(void **state)
{
    (void)state;
    char *root = make_repo(NULL);
    remove_file(root, "services/billing/__init__.py");
    remove_file(root, "services/__init__.py");
    tl_write(root, "services/__init__.py", "");
    char *msg = apply_one(root, "SVC101", "services/billing", 0, SVC_FIX_SAFE);
    assert_string_equal(msg, "Create an empty `services/billing/__init__.py`");
    free(msg);
    assert_file(root, "services/billing/__init__.py", "");
    assert_fixed(root, "SVC101", NULL);
    drop_repo(root);
}

static void test_101_services_root(void **state)
{
    (void)state;
    char *root = make_repo(NULL);
    remove_file(root, "services/__init__.py");
    free(apply_one(root, "SVC101", "services", 0, SVC_FIX_SAFE));
    assert_file(root, "services/__init__.py", "");
    assert_fixed(root, "SVC101", NULL);
    drop_repo(root);
}

static void test_104_creates_tests_init(void **state)
{
    (void)state;
    char *root = make_repo(NULL);
    remove_file(root, "services/billing/tests/__init__.py");
    char *msg = apply_one(root, "SVC104", "services/billing/tests", 0, SVC_FIX_SAFE);
    assert_string_equal(msg, "Create an empty `services/billing/tests/__init__.py`");
    free(msg);
    assert_file(root, "services/billing/tests/__init__.py", "");
    assert_fixed(root, "SVC104", NULL);
    drop_repo(root);
}

static const char misplaced_test[] = "from .invoices import total\n"
                                     "from . import errors\n"
                                     "from ..integrations import google_calendar\n"
                                     "import os\n"
                                     "\n"
                                     "\n"
                                     "def test_total():\n"
                                     "    assert total(1) == 0\n";

static void test_103_moves_and_rewrites_relative_imports(void **state)
{
    (void)state;
    const tl_file extra[] = { { "services/billing/test_refunds.py", misplaced_test }, { NULL, NULL } };
    char *root = make_repo(extra);
    char *msg = apply_one(root, "SVC103", "services/billing/test_refunds.py", 0, SVC_FIX_UNSAFE);
    assert_string_equal(msg, "Move `services/billing/test_refunds.py` to `services/billing/tests/test_refunds.py`");
    free(msg);
    assert_false(exists(root, "services/billing/test_refunds.py"));
    assert_file(root, "services/billing/tests/test_refunds.py",
                "from ..invoices import total\n"
                "from .. import errors\n"
                "from ...integrations import google_calendar\n"
                "import os\n"
                "\n"
                "\n"
                "def test_total():\n"
                "    assert total(1) == 0\n");
    assert_fixed(root, "SVC103", NULL);
    /* the imports still reach the same modules */
    tl_repo repo;
    tl_repo_open(&repo, root);
    const svc_file *f = tl_file_named(repo.model, "services/billing/tests/test_refunds.py");
    assert_string_equal(f->facts->imports[0].module, "services.billing.invoices");
    assert_string_equal(f->facts->imports[1].module, "services.billing");
    assert_string_equal(f->facts->imports[2].module, "services.integrations");
    tl_repo_close(&repo);
    drop_repo(root);
}

static void test_103_creates_tests_package(void **state)
{
    (void)state;
    const tl_file extra[] = { { "services/shipping/__init__.py", "" },
                              { "services/shipping/rates.py", "def rate():\n    return 1\n" },
                              { "services/shipping/test_rates.py", "from .rates import rate\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    free(apply_one(root, "SVC103", "services/shipping/test_rates.py", 0, SVC_FIX_UNSAFE));
    assert_file(root, "services/shipping/tests/__init__.py", "");
    assert_file(root, "services/shipping/tests/test_rates.py", "from ..rates import rate\n");
    assert_fixed(root, "SVC103", NULL);
    assert_fixed(root, "SVC104", NULL);
    drop_repo(root);
}

static void test_103_refuses_existing_target(void **state)
{
    (void)state;
    const tl_file extra[] = { { "services/billing/test_invoices.py", "def test_x():\n    pass\n" }, { NULL, NULL } };
    char *root = make_repo(extra);
    assert_no_fix(root, "SVC103", "services/billing/test_invoices.py", 0);
    drop_repo(root);
}

/* ---- SVC201 ------------------------------------------------------------------------------------------- */

static void test_201_basic(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", "from services.integrations.google_calendar import get_credentials\n"
                                                   "\n"
                                                   "\n"
                                                   "def show(user):\n"
                                                   "    return get_credentials(user)\n"
                                                   "\n"
                                                   "\n"
                                                   "def again(user):\n"
                                                   "    creds = get_credentials\n"
                                                   "    return creds(user)\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    char *msg = apply_one(root, "SVC201", "orders/views.py", 1, SVC_FIX_SAFE);
    assert_string_equal(msg, "Import `google_calendar` from `services.integrations` and use "
                             "`google_calendar.get_credentials`");
    free(msg);
    assert_file(root, "orders/views.py",
                "from services.integrations import google_calendar\n"
                "\n"
                "\n"
                "def show(user):\n"
                "    return google_calendar.get_credentials(user)\n"
                "\n"
                "\n"
                "def again(user):\n"
                "    creds = google_calendar.get_credentials\n"
                "    return creds(user)\n");
    assert_fixed(root, "SVC2", NULL);
    drop_repo(root);
}

static void test_201_alias(void **state)
{
    (void)state;
    const tl_file extra[] = {
        { "orders/views.py", "import os\n"
                             "from services.integrations.google_calendar import get_credentials as gc\n"
                             "\n"
                             "\n"
                             "def show(user):\n"
                             "    return gc(user), os.sep\n" },
        { NULL, NULL } };
    char *root = make_repo(extra);
    free(apply_one(root, "SVC201", "orders/views.py", 2, SVC_FIX_SAFE));
    assert_file(root, "orders/views.py",
                "import os\n"
                "from services.integrations import google_calendar\n"
                "\n"
                "\n"
                "def show(user):\n"
                "    return google_calendar.get_credentials(user), os.sep\n");
    assert_fixed(root, "SVC2", NULL);
    drop_repo(root);
}

static const char multi_name[] = "import os\n"
                                 "from services.integrations.google_calendar import get_credentials, Client\n"
                                 "\n"
                                 "\n"
                                 "def show(user):\n"
                                 "    return Client(get_credentials(user))\n";

/* svc_check leaves fixes out; svc_diagnostics_compute_fixes computes each finding's once. */
static void test_fixes_computed_on_request_once(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", multi_name }, { NULL, NULL } };
    char *root = make_repo(extra);
    tl_repo repo;
    tl_repo_open(&repo, root);
    svc_diagnostics *d = tl_check(repo.model, NULL);
    assert_true(d->len >= 2);
    for (size_t i = 0; i < d->len; i++) {
        assert_null(d->items[i].fix);
        assert_false(d->items[i].fix_computed);
    }
    svc_diagnostics_compute_fixes(repo.model, d);
    const svc_fix **first = svc_xcalloc(d->len, sizeof *first);
    size_t fixable = 0;
    for (size_t i = 0; i < d->len; i++) {
        assert_true(d->items[i].fix_computed);
        first[i] = d->items[i].fix;
        fixable += first[i] != NULL;
    }
    assert_int_equal(tl_count(d, "SVC201", "orders/views.py", 2), 2);
    assert_true(fixable >= 2);
    svc_diagnostics_compute_fixes(repo.model, d); /* nothing left to compute: the same fixes */
    for (size_t i = 0; i < d->len; i++) assert_ptr_equal(d->items[i].fix, first[i]);
    free(first);
    svc_diagnostics_free(d);
    tl_repo_close(&repo);
    drop_repo(root);
}

/* The catalogue names a fixer for exactly the rules whose entry describes a fix. */
static void test_catalogue_names_the_fixers(void **state)
{
    (void)state;
    size_t n;
    const svc_rule *rules = svc_rules(&n);
    for (size_t i = 0; i < n; i++)
        if ((rules[i].fix != NULL) != (rules[i].fixer != NULL))
            fail_msg("%s has %s", rules[i].code,
                     rules[i].fix ? "a fix described but no fixer" : "a fixer but no fix described");
}

static void test_201_multi_name_statement(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", multi_name }, { NULL, NULL } };
    char *root = make_repo(extra);
    /* the first name only: the statement keeps the other one */
    tl_repo repo;
    tl_repo_open(&repo, root);
    svc_diagnostics *d = check_fixes(repo.model, "SVC201");
    assert_int_equal(tl_count(d, "SVC201", "orders/views.py", 2), 2);
    const svc_fix *first = d->items[0].span.col < d->items[1].span.col ? d->items[0].fix : d->items[1].fix;
    assert_non_null(first);
    apply_fixes(root, &first, 1);
    svc_diagnostics_free(d);
    tl_repo_close(&repo);
    assert_file(root, "orders/views.py",
                "import os\n"
                "from services.integrations.google_calendar import Client\n"
                "from services.integrations import google_calendar\n"
                "\n"
                "\n"
                "def show(user):\n"
                "    return Client(google_calendar.get_credentials(user))\n");
    /* the second reuses the import the first added */
    char *msg = apply_one(root, "SVC201", "orders/views.py", 2, SVC_FIX_SAFE);
    assert_string_equal(msg, "Use `google_calendar.Client` (`google_calendar` is already imported)");
    free(msg);
    assert_file(root, "orders/views.py",
                "import os\n"
                "from services.integrations import google_calendar\n"
                "\n"
                "\n"
                "def show(user):\n"
                "    return google_calendar.Client(google_calendar.get_credentials(user))\n");
    assert_fixed(root, "SVC2", NULL);
    drop_repo(root);
}

static void test_201_all_at_once_converges(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", multi_name },
                              { "orders/admin.py", "from services.integrations.google_calendar import get_credentials\n"
                                                   "from services.integrations.google_calendar import Client\n"
                                                   "\n"
                                                   "CLIENT = Client()\n"
                                                   "CREDS = get_credentials(None)\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    /* two statements: both fixes apply, and the import they add is the same edit, applied once */
    size_t rounds = 0;
    while (apply_all(root, "SVC201", NULL) > 0) assert_true(++rounds < 4);
    assert_file(root, "orders/admin.py",
                "from services.integrations import google_calendar\n"
                "\n"
                "CLIENT = google_calendar.Client()\n"
                "CREDS = google_calendar.get_credentials(None)\n");
    assert_file(root, "orders/views.py",
                "import os\n"
                "from services.integrations import google_calendar\n"
                "\n"
                "\n"
                "def show(user):\n"
                "    return google_calendar.Client(google_calendar.get_credentials(user))\n");
    assert_fixed(root, "SVC2", NULL);
    drop_repo(root);
}

static void test_201_name_clash_uses_alias(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", "from services.integrations.google_calendar import get_credentials\n"
                                                   "\n"
                                                   "google_calendar = 'the calendar'\n"
                                                   "\n"
                                                   "\n"
                                                   "def show(user):\n"
                                                   "    return get_credentials(user)\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    char *msg = apply_one(root, "SVC201", "orders/views.py", 1, SVC_FIX_SAFE);
    assert_string_equal(msg, "Import `google_calendar` from `services.integrations` as `integrations_google_calendar` "
                             "and use `integrations_google_calendar.get_credentials`");
    free(msg);
    assert_file(root, "orders/views.py",
                "from services.integrations import google_calendar as integrations_google_calendar\n"
                "\n"
                "google_calendar = 'the calendar'\n"
                "\n"
                "\n"
                "def show(user):\n"
                "    return integrations_google_calendar.get_credentials(user)\n");
    assert_fixed(root, "SVC2", NULL);
    drop_repo(root);
}

static void test_201_reuses_existing_import(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", "from services.integrations import google_calendar as gcal\n"
                                                   "from services.integrations.google_calendar import get_credentials\n"
                                                   "\n"
                                                   "\n"
                                                   "def show(user):\n"
                                                   "    return get_credentials(user), gcal\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    free(apply_one(root, "SVC201", "orders/views.py", 2, SVC_FIX_SAFE));
    assert_file(root, "orders/views.py",
                "from services.integrations import google_calendar as gcal\n"
                "\n"
                "\n"
                "def show(user):\n"
                "    return gcal.get_credentials(user), gcal\n");
    assert_fixed(root, "SVC2", NULL);
    drop_repo(root);
}

static void test_201_inside_function(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", "def show(user):\n"
                                                   "\tfrom services.integrations.google_calendar import get_credentials\n"
                                                   "\treturn get_credentials(user)\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    free(apply_one(root, "SVC201", "orders/views.py", 2, SVC_FIX_SAFE));
    assert_file(root, "orders/views.py",
                "def show(user):\n"
                "\tfrom services.integrations import google_calendar\n"
                "\treturn google_calendar.get_credentials(user)\n");
    assert_fixed(root, "SVC2", NULL);
    drop_repo(root);
}

static void test_201_no_fix(void **state)
{
    (void)state;
    const tl_file extra[] = {
        { "orders/views.py", "from services.integrations.google_calendar import credentials\n"  /* a module */
                             "from services.integrations.google_calendar.helpers import other\n" /* not re-exported */
                             "from services.integrations.google_calendar import get_credentials\n"
                             "\n"
                             "\n"
                             "def show(get_credentials):\n" /* a parameter of the same name */
                             "    return credentials, other, get_credentials\n" },
        { "orders/forms.py", "from services.integrations.google_calendar import Client\n\n__all__ = ['Client']\n" },
        { "orders/utils.py", "from services.integrations.google_calendar import Client as Calendar\n" },
        { "orders/admin.py", "from orders import utils\n\n\ndef client():\n    return utils.Calendar()\n" },
        { NULL, NULL } };
    char *root = make_repo(extra);
    assert_no_fix(root, "SVC201", "orders/views.py", 1);
    assert_no_fix(root, "SVC201", "orders/views.py", 2);
    assert_no_fix(root, "SVC201", "orders/views.py", 3);
    assert_no_fix(root, "SVC201", "orders/forms.py", 1); /* re-exported */
    assert_no_fix(root, "SVC201", "orders/utils.py", 1);  /* used through the module elsewhere */
    drop_repo(root);
}

static void test_201_crlf_and_bom(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", "\xEF\xBB\xBF"
                                                   "import os\r\n"
                                                   "from services.integrations.google_calendar import get_credentials, "
                                                   "Client\r\n"
                                                   "\r\n"
                                                   "\r\n"
                                                   "def show(user):\r\n"
                                                   "    return get_credentials(user)\r\n" },
                              { "orders/admin.py", "\xEF\xBB\xBF"
                                                   "from services.integrations.google_calendar import Client\r\n"
                                                   "X = Client" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    tl_repo repo;
    tl_repo_open(&repo, root);
    svc_diagnostics *d = check_fixes(repo.model, "SVC201");
    const svc_fix *fix = NULL;
    for (size_t i = 0; i < d->len; i++)
        if (strcmp(d->items[i].path, "orders/views.py") == 0 && d->items[i].span.col == 50) fix = d->items[i].fix;
    assert_non_null(fix);
    /* presenters get rows and columns in code points, after the BOM */
    assert_int_equal(fix->edits[0].span.row, 1);
    assert_int_equal(fix->edits[0].span.col, 50);
    assert_int_equal(fix->edits[0].start, 3 + 11 + 50);
    apply_fixes(root, &fix, 1);
    svc_diagnostics_free(d);
    tl_repo_close(&repo);
    assert_file(root, "orders/views.py",
                "\xEF\xBB\xBF"
                "import os\r\n"
                "from services.integrations.google_calendar import Client\r\n"
                "from services.integrations import google_calendar\r\n"
                "\r\n"
                "\r\n"
                "def show(user):\r\n"
                "    return google_calendar.get_credentials(user)\r\n");
    free(apply_one(root, "SVC201", "orders/admin.py", 1, SVC_FIX_SAFE));
    assert_file(root, "orders/admin.py",
                "\xEF\xBB\xBF"
                "from services.integrations import google_calendar\r\n"
                "X = google_calendar.Client");
    free(apply_one(root, "SVC201", "orders/views.py", 2, SVC_FIX_SAFE));
    assert_file(root, "orders/views.py",
                "\xEF\xBB\xBF"
                "import os\r\n"
                "from services.integrations import google_calendar\r\n"
                "\r\n"
                "\r\n"
                "def show(user):\r\n"
                "    return google_calendar.get_credentials(user)\r\n");
    assert_fixed(root, "SVC2", NULL);
    drop_repo(root);
}

/* ---- SVC202 ------------------------------------------------------------------------------------------- */

static void test_202_chain(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", "from services.integrations import google_calendar\n"
                                                   "\n"
                                                   "\n"
                                                   "def show(user):\n"
                                                   "    return google_calendar.credentials.get_credentials(user)\n"
                                                   "\n"
                                                   "\n"
                                                   "def other():\n"
                                                   "    return google_calendar.helpers.other()\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    char *msg = apply_one(root, "SVC202", "orders/views.py", 5, SVC_FIX_SAFE);
    assert_string_equal(msg, "Use `google_calendar.get_credentials`, re-exported by "
                             "`services.integrations.google_calendar`");
    free(msg);
    assert_file(root, "orders/views.py",
                "from services.integrations import google_calendar\n"
                "\n"
                "\n"
                "def show(user):\n"
                "    return google_calendar.get_credentials(user)\n"
                "\n"
                "\n"
                "def other():\n"
                "    return google_calendar.helpers.other()\n");
    assert_no_fix(root, "SVC202", "orders/views.py", 9); /* not re-exported */
    assert_gone(root, "SVC202", "orders/views.py", 5);
    drop_repo(root);
}

/* ---- SVC301 ------------------------------------------------------------------------------------------- */

static void test_301_appends_to_existing_import(void **state)
{
    (void)state;
    char *root = make_repo(NULL);
    char *msg = apply_one(root, "SVC301", "services/billing/errors.py", 5, SVC_FIX_SAFE);
    assert_string_equal(msg, "Add `from .errors import RefundError` to `services/billing/__init__.py`");
    free(msg);
    assert_file(root, "services/billing/__init__.py", "from .errors import PaymentError, RefundError\n");
    assert_fixed(root, "SVC301", NULL);
    drop_repo(root);
}

static void test_301_new_import_and_all(void **state)
{
    (void)state;
    const tl_file extra[] = { { "services/billing/__init__.py", "\"\"\"Billing.\"\"\"\n"
                                                                "from .errors import PaymentError, RefundError\n"
                                                                "from .invoices import total\n"
                                                                "\n"
                                                                "__all__ = [\"PaymentError\", \"RefundError\", \"total\"]\n" },
                              { "services/billing/refunds.py", "class RefundFailed(Exception):\n    pass\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    char *msg = apply_one(root, "SVC301", "services/billing/refunds.py", 1, SVC_FIX_SAFE);
    assert_string_equal(msg, "Add `from .refunds import RefundFailed` to `services/billing/__init__.py` and the name "
                             "to its `__all__`");
    free(msg);
    assert_file(root, "services/billing/__init__.py",
                "\"\"\"Billing.\"\"\"\n"
                "from .errors import PaymentError, RefundError\n"
                "from .invoices import total\n"
                "from .refunds import RefundFailed\n"
                "\n"
                "__all__ = [\"PaymentError\", \"RefundError\", \"total\", \"RefundFailed\"]\n");
    assert_fixed(root, "SVC301", NULL);
    drop_repo(root);
}

static void test_301_multiline_all_and_docstring_only_init(void **state)
{
    (void)state;
    const tl_file extra[] = { { "services/billing/__init__.py", "\"\"\"Billing.\"\"\"\n"
                                                                "VERSION = 1\n"
                                                                "__all__ = (\n"
                                                                "    'VERSION',\n"
                                                                ")\n" },
                              { "services/billing/errors.py", "class PaymentError(Exception):\n    pass\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    free(apply_one(root, "SVC301", "services/billing/errors.py", 1, SVC_FIX_SAFE));
    assert_file(root, "services/billing/__init__.py",
                "\"\"\"Billing.\"\"\"\n"
                "from .errors import PaymentError\n"
                "\n"
                "VERSION = 1\n"
                "__all__ = (\n"
                "    'VERSION',\n"
                "    'PaymentError',\n"
                ")\n");
    assert_fixed(root, "SVC301", NULL);
    drop_repo(root);
}

static void test_301_no_fix(void **state)
{
    (void)state;
    const tl_file extra[] = { { "services/payments/errors.py", "class Declined(Exception):\n    pass\n" }, /* no __init__ */
                              { "services/payments/tests/__init__.py", "" },
                              { "services/billing/refunds.py",
                                "from services.billing import PaymentError\n\n\nclass RefundFailed(PaymentError):\n"
                                "    pass\n" }, /* imports from the root: could be circular */
                              { NULL, NULL } };
    char *root = make_repo(extra);
    assert_no_fix(root, "SVC301", "services/payments/errors.py", 1);
    assert_no_fix(root, "SVC301", "services/billing/refunds.py", 4);
    drop_repo(root);
}

/* ---- SVC302 / SVC303 ------------------------------------------------------------------------------------ */

static void test_302_imports_names(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", "from services.billing import errors\n"
                                                   "\n"
                                                   "\n"
                                                   "def pay(order):\n"
                                                   "    try:\n"
                                                   "        order.pay()\n"
                                                   "    except errors.PaymentError:\n"
                                                   "        raise errors.PaymentError('failed')\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    char *msg = apply_one(root, "SVC302", "orders/views.py", 1, SVC_FIX_SAFE);
    assert_string_equal(msg, "Import PaymentError from `services.billing` and use it bare");
    free(msg);
    assert_file(root, "orders/views.py",
                "from services.billing import PaymentError\n"
                "\n"
                "\n"
                "def pay(order):\n"
                "    try:\n"
                "        order.pay()\n"
                "    except PaymentError:\n"
                "        raise PaymentError('failed')\n");
    assert_fixed(root, "SVC302", NULL);
    assert_fixed(root, "SVC303", NULL);
    drop_repo(root);
}

static void test_302_no_fix_when_not_at_root(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", "from services.billing import errors\n"
                                                   "\n"
                                                   "\n"
                                                   "def pay(order):\n"
                                                   "    raise errors.RefundError()\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    assert_no_fix(root, "SVC302", "orders/views.py", 1);
    drop_repo(root);
}

static void test_303_bare_name(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", "from services import billing\n"
                                                   "\n"
                                                   "\n"
                                                   "def pay(order):\n"
                                                   "    try:\n"
                                                   "        order.pay()\n"
                                                   "    except billing.PaymentError:\n"
                                                   "        pass\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    char *msg = apply_one(root, "SVC303", "orders/views.py", 7, SVC_FIX_SAFE);
    assert_string_equal(msg, "Import `PaymentError` from `services.billing` and use it bare");
    free(msg);
    assert_file(root, "orders/views.py",
                "from services import billing\n"
                "from services.billing import PaymentError\n"
                "\n"
                "\n"
                "def pay(order):\n"
                "    try:\n"
                "        order.pay()\n"
                "    except PaymentError:\n"
                "        pass\n");
    assert_fixed(root, "SVC303", NULL);
    drop_repo(root);
}

static void test_303_appends_and_clash(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", "from services.billing import invoices\n"
                                                   "import services.billing\n"
                                                   "\n"
                                                   "\n"
                                                   "def pay(order):\n"
                                                   "    if not invoices.total(order):\n"
                                                   "        raise services.billing.PaymentError()\n" },
                              { "orders/forms.py", "from services import billing\n"
                                                   "\n"
                                                   "\n"
                                                   "def check(PaymentError):\n"
                                                   "    raise billing.PaymentError()\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    free(apply_one(root, "SVC303", "orders/views.py", 7, SVC_FIX_SAFE));
    assert_file(root, "orders/views.py",
                "from services.billing import invoices, PaymentError\n"
                "import services.billing\n"
                "\n"
                "\n"
                "def pay(order):\n"
                "    if not invoices.total(order):\n"
                "        raise PaymentError()\n");
    assert_no_fix(root, "SVC303", "orders/forms.py", 5); /* a parameter is named PaymentError */
    assert_fixed(root, "SVC303", "orders/views.py");
    drop_repo(root);
}

/* ---- SVC404 ------------------------------------------------------------------------------------------- */

static void test_404_wrapper(void **state)
{
    (void)state;
    const tl_file extra[] = { { "services/tasks/email_tasks.py", "from shop.celery import app\n"
                                                                 "\n"
                                                                 "\n"
                                                                 "@app.task(bind=True)\n"
                                                                 "def _send_welcome(self, user_id, *args, lang=\"en\", "
                                                                 "**kwargs):\n"
                                                                 "    pass\n"
                                                                 "\n"
                                                                 "\n"
                                                                 "@app.task\n"
                                                                 "def _send_receipt(order_id, copy: bool = False, *, "
                                                                 "cc=None):\n"
                                                                 "    pass\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    char *msg = apply_one(root, "SVC404", "services/tasks/email_tasks.py", 5, SVC_FIX_SAFE);
    assert_string_equal(msg, "Add `delay_send_welcome` after `_send_welcome`: a public function that calls "
                             "`_send_welcome.delay`");
    free(msg);
    free(apply_one(root, "SVC404", "services/tasks/email_tasks.py", 14, SVC_FIX_SAFE));
    assert_file(root, "services/tasks/email_tasks.py",
                "from shop.celery import app\n"
                "\n"
                "\n"
                "@app.task(bind=True)\n"
                "def _send_welcome(self, user_id, *args, lang=\"en\", **kwargs):\n"
                "    pass\n"
                "\n"
                "\n"
                "def delay_send_welcome(user_id, *args, lang=\"en\", **kwargs):\n"
                "    return _send_welcome.delay(user_id, *args, lang=lang, **kwargs)\n"
                "\n"
                "\n"
                "@app.task\n"
                "def _send_receipt(order_id, copy: bool = False, *, cc=None):\n"
                "    pass\n"
                "\n"
                "\n"
                "def delay_send_receipt(order_id, copy: bool = False, *, cc=None):\n"
                "    return _send_receipt.delay(order_id, copy, cc=cc)\n");
    assert_fixed(root, "SVC4", NULL);
    drop_repo(root);
}

static void test_404_tabs_crlf_no_final_newline(void **state)
{
    (void)state;
    const tl_file extra[] = { { "services/tasks/ping_tasks.py", "from celery import shared_task\r\n"
                                                                "\r\n"
                                                                "\r\n"
                                                                "@shared_task\r\n"
                                                                "def _ping(host, /, port):\r\n"
                                                                "\t\"\"\"Ping.\"\"\"\r\n"
                                                                "\treturn host  # done\r\n"
                                                                "@shared_task\r\n"
                                                                "def _pong():\r\n"
                                                                "\tpass" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    apply_all(root, "SVC404", NULL);
    assert_file(root, "services/tasks/ping_tasks.py",
                "from celery import shared_task\r\n"
                "\r\n"
                "\r\n"
                "@shared_task\r\n"
                "def _ping(host, /, port):\r\n"
                "\t\"\"\"Ping.\"\"\"\r\n"
                "\treturn host  # done\r\n"
                "\r\n"
                "\r\n"
                "def delay_ping(host, /, port):\r\n"
                "\treturn _ping.delay(host, port)\r\n"
                "\r\n"
                "\r\n"
                "@shared_task\r\n"
                "def _pong():\r\n"
                "\tpass\r\n"
                "\r\n"
                "\r\n"
                "def delay_pong():\r\n"
                "\treturn _pong.delay()\r\n");
    assert_fixed(root, "SVC4", NULL);
    drop_repo(root);
}

/* ---- SVC403 ------------------------------------------------------------------------------------------- */

static const tl_file public_tasks[] = {
    { "services/tasks/__init__.py", "from .email_tasks import send_welcome\n\n__all__ = [\"send_welcome\"]\n" },
    { "services/tasks/email_tasks.py", "from shop.celery import app\n"
                                       "\n"
                                       "\n"
                                       "@app.task\n"
                                       "def send_welcome(user_id):\n"
                                       "    pass\n"
                                       "\n"
                                       "\n"
                                       "@app.task(bind=True)\n"
                                       "def send_receipt(self, order_id):\n"
                                       "    pass\n"
                                       "\n"
                                       "\n"
                                       "def delay_send_receipt(order_id):\n"
                                       "    return send_receipt.delay(order_id)\n" },
    { "orders/views.py", "from services import tasks\n"
                         "from services.tasks import email_tasks\n"
                         "from services.tasks.email_tasks import send_welcome\n"
                         "\n"
                         "\n"
                         "def checkout(request, send_receipt=None):\n"
                         "    email_tasks.send_welcome.delay(1)\n"
                         "    send_welcome.delay(2)\n"
                         "    tasks.send_welcome.delay(3)\n"
                         "    email_tasks.delay_send_receipt(4)\n"
                         "    return send_receipt\n" },
    { NULL, NULL },
};

static void test_403_rename_across_repo(void **state)
{
    (void)state;
    char *root = make_repo(public_tasks);
    char *msg = apply_one(root, "SVC403", "services/tasks/email_tasks.py", 5, SVC_FIX_UNSAFE);
    assert_string_equal(msg, "Rename `send_welcome` to `_send_welcome` and update its references; keep its Celery name "
                             "`services.tasks.email_tasks.send_welcome`; add `delay_send_welcome`");
    free(msg);
    assert_file(root, "services/tasks/email_tasks.py",
                "from shop.celery import app\n"
                "\n"
                "\n"
                "@app.task(name=\"services.tasks.email_tasks.send_welcome\")\n"
                "def _send_welcome(user_id):\n"
                "    pass\n"
                "\n"
                "\n"
                "def delay_send_welcome(user_id):\n"
                "    return _send_welcome.delay(user_id)\n"
                "\n"
                "\n"
                "@app.task(bind=True)\n"
                "def send_receipt(self, order_id):\n"
                "    pass\n"
                "\n"
                "\n"
                "def delay_send_receipt(order_id):\n"
                "    return send_receipt.delay(order_id)\n");
    assert_file(root, "services/tasks/__init__.py",
                "from .email_tasks import _send_welcome\n\n__all__ = [\"_send_welcome\"]\n");
    assert_file(root, "orders/views.py",
                "from services import tasks\n"
                "from services.tasks import email_tasks\n"
                "from services.tasks.email_tasks import _send_welcome\n"
                "\n"
                "\n"
                "def checkout(request, send_receipt=None):\n"
                "    email_tasks._send_welcome.delay(1)\n"
                "    _send_welcome.delay(2)\n"
                "    tasks._send_welcome.delay(3)\n"
                "    email_tasks.delay_send_receipt(4)\n"
                "    return send_receipt\n");
    /* bind=True: the name goes after the other arguments; the existing wrapper follows the rename */
    free(apply_one(root, "SVC403", "services/tasks/email_tasks.py", 14, SVC_FIX_UNSAFE));
    assert_file(root, "services/tasks/email_tasks.py",
                "from shop.celery import app\n"
                "\n"
                "\n"
                "@app.task(name=\"services.tasks.email_tasks.send_welcome\")\n"
                "def _send_welcome(user_id):\n"
                "    pass\n"
                "\n"
                "\n"
                "def delay_send_welcome(user_id):\n"
                "    return _send_welcome.delay(user_id)\n"
                "\n"
                "\n"
                "@app.task(bind=True, name=\"services.tasks.email_tasks.send_receipt\")\n"
                "def _send_receipt(self, order_id):\n"
                "    pass\n"
                "\n"
                "\n"
                "def delay_send_receipt(order_id):\n"
                "    return _send_receipt.delay(order_id)\n");
    assert_file(root, "orders/views.py",
                "from services import tasks\n"
                "from services.tasks import email_tasks\n"
                "from services.tasks.email_tasks import _send_welcome\n"
                "\n"
                "\n"
                "def checkout(request, send_receipt=None):\n"
                "    email_tasks._send_welcome.delay(1)\n"
                "    _send_welcome.delay(2)\n"
                "    tasks._send_welcome.delay(3)\n"
                "    email_tasks.delay_send_receipt(4)\n"
                "    return send_receipt\n");
    assert_fixed(root, "SVC403", NULL);
    assert_fixed(root, "SVC404", NULL);
    drop_repo(root);
}

static void test_403_and_404_together(void **state)
{
    (void)state;
    char *root = make_repo(public_tasks);
    /* both add a wrapper for send_welcome at the same place: the applier keeps one */
    apply_all(root, "SVC4", NULL);
    char *text = tl_read(root, "services/tasks/email_tasks.py");
    const char *first = strstr(text, "def delay_send_welcome");
    assert_non_null(first);
    assert_null(strstr(first + 1, "def delay_send_welcome"));
    free(text);
    tl_repo repo;
    tl_repo_open(&repo, root);
    for (size_t i = 0; i < repo.model->nfiles; i++) assert_int_equal(repo.model->files[i].facts->nerrors, 0);
    tl_repo_close(&repo);
    /* and it converges */
    for (int round = 0; apply_all(root, "SVC4", NULL) > 0; round++) assert_true(round < 5);
    assert_fixed(root, "SVC403", NULL);
    assert_fixed(root, "SVC404", NULL);
    drop_repo(root);
}

static void test_403_decorator_forms(void **state)
{
    (void)state;
    const tl_file extra[] = { { "services/tasks/sync_tasks.py", "from celery import shared_task\n"
                                                                "from shop.celery import app\n"
                                                                "\n"
                                                                "OPTIONS = {'queue': 'low'}\n"
                                                                "\n"
                                                                "\n"
                                                                "@shared_task()\n"
                                                                "def sync_stock():\n"
                                                                "    pass\n"
                                                                "\n"
                                                                "\n"
                                                                "@app.task(**OPTIONS)\n"
                                                                "def sync_prices():\n"
                                                                "    pass\n"
                                                                "\n"
                                                                "\n"
                                                                "@app.task(name='prices.sync')\n"
                                                                "def sync_rates():\n"
                                                                "    pass\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    assert_no_fix(root, "SVC403", "services/tasks/sync_tasks.py", 13); /* a name may hide in **OPTIONS */
    char *msg = apply_one(root, "SVC403", "services/tasks/sync_tasks.py", 18, SVC_FIX_UNSAFE);
    assert_string_equal(msg, "Rename `sync_rates` to `_sync_rates` and update its references; add `delay_sync_rates`");
    free(msg);
    free(apply_one(root, "SVC403", "services/tasks/sync_tasks.py", 8, SVC_FIX_UNSAFE));
    assert_file(root, "services/tasks/sync_tasks.py",
                "from celery import shared_task\n"
                "from shop.celery import app\n"
                "\n"
                "OPTIONS = {'queue': 'low'}\n"
                "\n"
                "\n"
                "@shared_task(name=\"services.tasks.sync_tasks.sync_stock\")\n"
                "def _sync_stock():\n"
                "    pass\n"
                "\n"
                "\n"
                "def delay_sync_stock():\n"
                "    return _sync_stock.delay()\n"
                "\n"
                "\n"
                "@app.task(**OPTIONS)\n"
                "def sync_prices():\n"
                "    pass\n"
                "\n"
                "\n"
                "@app.task(name='prices.sync')\n"
                "def _sync_rates():\n"
                "    pass\n"
                "\n"
                "\n"
                "def delay_sync_rates():\n"
                "    return _sync_rates.delay()\n");
    assert_gone(root, "SVC403", "services/tasks/sync_tasks.py", 8);
    drop_repo(root);
}

/* ---- SVC405 ------------------------------------------------------------------------------------------- */

static const tl_file wrapper_named_badly[] = {
    { "services/tasks/email_tasks.py", "from shop.celery import app\n"
                                       "\n"
                                       "\n"
                                       "@app.task\n"
                                       "def _send_welcome(user_id):\n"
                                       "    pass\n"
                                       "\n"
                                       "\n"
                                       "def send_welcome(user_id):\n"
                                       "    return _send_welcome.delay(user_id)\n" },
    { "orders/views.py", "from services.tasks import email_tasks\n"
                         "from services.tasks.email_tasks import send_welcome as welcome\n"
                         "\n"
                         "\n"
                         "def checkout(request):\n"
                         "    email_tasks.send_welcome(1)\n"
                         "    welcome(2)\n" },
    { "orders/signals.py", "from services.tasks.email_tasks import send_welcome\n"
                           "\n"
                           "\n"
                           "def on_save(user):\n"
                           "    send_welcome(user.id)\n" },
    { "orders/admin.py", "from services.tasks.email_tasks import send_welcome\n"
                         "\n"
                         "\n"
                         "def action(delay_send_welcome):\n"
                         "    send_welcome(delay_send_welcome)\n" },
    { NULL, NULL },
};

static void test_405_rename_call_sites(void **state)
{
    (void)state;
    char *root = make_repo(wrapper_named_badly);
    char *msg = apply_one(root, "SVC405", "services/tasks/email_tasks.py", 9, SVC_FIX_UNSAFE);
    assert_string_equal(msg, "Rename `send_welcome` to `delay_send_welcome` and update its call sites");
    free(msg);
    assert_file(root, "services/tasks/email_tasks.py",
                "from shop.celery import app\n"
                "\n"
                "\n"
                "@app.task\n"
                "def _send_welcome(user_id):\n"
                "    pass\n"
                "\n"
                "\n"
                "def delay_send_welcome(user_id):\n"
                "    return _send_welcome.delay(user_id)\n");
    assert_file(root, "orders/views.py",
                "from services.tasks import email_tasks\n"
                "from services.tasks.email_tasks import delay_send_welcome as welcome\n"
                "\n"
                "\n"
                "def checkout(request):\n"
                "    email_tasks.delay_send_welcome(1)\n"
                "    welcome(2)\n");
    assert_file(root, "orders/signals.py",
                "from services.tasks.email_tasks import delay_send_welcome\n"
                "\n"
                "\n"
                "def on_save(user):\n"
                "    delay_send_welcome(user.id)\n");
    /* the new name is taken there: imported under the old one */
    assert_file(root, "orders/admin.py",
                "from services.tasks.email_tasks import delay_send_welcome as send_welcome\n"
                "\n"
                "\n"
                "def action(delay_send_welcome):\n"
                "    send_welcome(delay_send_welcome)\n");
    assert_fixed(root, "SVC405", NULL);
    drop_repo(root);
}

static void test_405_task_of_another_module(void **state)
{
    (void)state;
    const tl_file extra[] = { { "services/tasks/email_tasks.py", "from shop.celery import app\n"
                                                                 "\n"
                                                                 "\n"
                                                                 "@app.task\n"
                                                                 "def _send_welcome(user_id):\n"
                                                                 "    pass\n"
                                                                 "\n"
                                                                 "\n"
                                                                 "def delay_send_welcome(user_id):\n"
                                                                 "    return _send_welcome.delay(user_id)\n" },
                              { "services/tasks/signup_tasks.py", "from . import email_tasks\n"
                                                                  "\n"
                                                                  "\n"
                                                                  "def welcome(user):\n"
                                                                  "    email_tasks._send_welcome.delay(user.id)\n"
                                                                  "\n"
                                                                  "\n"
                                                                  "def later(user):\n"
                                                                  "    return welcome(user)\n" },
                              { NULL, NULL } };
    char *root = make_repo(extra);
    char *msg = apply_one(root, "SVC405", "services/tasks/signup_tasks.py", 4, SVC_FIX_UNSAFE);
    assert_string_equal(msg, "Rename `welcome` to `delay_welcome` and update its call sites");
    free(msg);
    assert_file(root, "services/tasks/signup_tasks.py",
                "from . import email_tasks\n"
                "\n"
                "\n"
                "def delay_welcome(user):\n"
                "    email_tasks._send_welcome.delay(user.id)\n"
                "\n"
                "\n"
                "def later(user):\n"
                "    return delay_welcome(user)\n");
    assert_fixed(root, "SVC405", NULL);
    drop_repo(root);
}

/* ---- SVC402 ------------------------------------------------------------------------------------------- */

static const tl_file wrapped_tasks[] = {
    { "services/tasks/email_tasks.py", "from shop.celery import app\n"
                                       "\n"
                                       "\n"
                                       "@app.task\n"
                                       "def _send_welcome(user_id):\n"
                                       "    pass\n"
                                       "\n"
                                       "\n"
                                       "def delay_send_welcome(user_id):\n"
                                       "    return _send_welcome.delay(user_id)\n"
                                       "\n"
                                       "\n"
                                       "@app.task\n"
                                       "def _send_receipt(order_id, copy=False):\n"
                                       "    pass\n"
                                       "\n"
                                       "\n"
                                       "def delay_send_receipt(order_id, copy=False):\n"
                                       "    return _send_receipt.delay(order_id, copy)\n"
                                       "\n"
                                       "\n"
                                       "@app.task\n"
                                       "def _notify(user_id):\n"
                                       "    pass\n" },
    { NULL, NULL },
};

static void test_402_calls_wrapper(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", "from services.tasks import email_tasks\n"
                                                   "from services.tasks.email_tasks import _send_welcome\n"
                                                   "\n"
                                                   "\n"
                                                   "def checkout(request):\n"
                                                   "    email_tasks._send_receipt.delay(1)\n"
                                                   "    _send_welcome.delay(2)\n"
                                                   "    email_tasks._send_receipt.apply_async((3,), {\"copy\": True})\n"
                                                   "    email_tasks._send_receipt.apply_async(args=[4], countdown=10)\n"
                                                   "    email_tasks._send_receipt.apply_async(kwargs={'order_id': 5})\n" },
                              { NULL, NULL } };
    char *root = make_repo(wrapped_tasks);
    tl_write_files(root, extra);
    assert_no_fix(root, "SVC402", "orders/views.py", 9); /* countdown: an option the wrapper cannot pass */
    tl_repo repo;
    tl_repo_open(&repo, root);
    svc_diagnostics *d = check_fixes(repo.model, "SVC402");
    const svc_fix *f6 = fix_of(d, "SVC402", "orders/views.py", 6);
    assert_non_null(f6);
    assert_int_equal(f6->applicability, SVC_FIX_UNSAFE);
    assert_string_equal(f6->message, "Call `email_tasks.delay_send_receipt` instead of `.delay` on the task");
    svc_diagnostics_free(d);
    tl_repo_close(&repo);
    assert_int_equal(apply_all(root, "SVC402", NULL), 4);
    assert_file(root, "orders/views.py",
                "from services.tasks import email_tasks\n"
                "\n"
                "\n"
                "def checkout(request):\n"
                "    email_tasks.delay_send_receipt(1)\n"
                "    email_tasks.delay_send_welcome(2)\n"
                "    email_tasks.delay_send_receipt(3, copy=True)\n"
                "    email_tasks._send_receipt.apply_async(args=[4], countdown=10)\n"
                "    email_tasks.delay_send_receipt(order_id=5)\n");
    /* what is left has no fix */
    tl_repo_open(&repo, root);
    d = check_fixes(repo.model, "SVC402");
    assert_int_equal(tl_count(d, "SVC402", NULL, 0), 1);
    assert_null(d->items[0].fix);
    assert_int_equal(tl_file_named(repo.model, "orders/views.py")->facts->nerrors, 0);
    svc_diagnostics_free(d);
    tl_repo_close(&repo);
    drop_repo(root);
}

static void test_402_imports_tasks_module_and_adds_wrapper(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/signals.py", "from services.tasks.email_tasks import _notify\n"
                                                     "\n"
                                                     "\n"
                                                     "def on_save(user):\n"
                                                     "    _notify.delay(user.id)\n" },
                              { NULL, NULL } };
    char *root = make_repo(wrapped_tasks);
    tl_write_files(root, extra);
    char *msg = apply_one(root, "SVC402", "orders/signals.py", 5, SVC_FIX_UNSAFE);
    assert_string_equal(msg, "Call `email_tasks.delay_notify` instead of `.delay` on the task (and add it next to the "
                             "task)");
    free(msg);
    assert_file(root, "orders/signals.py",
                "from services.tasks import email_tasks\n"
                "\n"
                "\n"
                "def on_save(user):\n"
                "    email_tasks.delay_notify(user.id)\n");
    char *text = tl_read(root, "services/tasks/email_tasks.py");
    assert_true(svc_str_ends_with(text, "@app.task\n"
                                        "def _notify(user_id):\n"
                                        "    pass\n"
                                        "\n"
                                        "\n"
                                        "def delay_notify(user_id):\n"
                                        "    return _notify.delay(user_id)\n"));
    free(text);
    assert_fixed(root, "SVC4", NULL);
    drop_repo(root);
}

static void test_402_and_404_add_one_wrapper(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/signals.py", "from services.tasks import email_tasks\n"
                                                     "\n"
                                                     "\n"
                                                     "def on_save(user):\n"
                                                     "    email_tasks._notify.delay(user.id)\n"
                                                     "    email_tasks._notify.delay(0)\n" },
                              { NULL, NULL } };
    char *root = make_repo(wrapped_tasks);
    tl_write_files(root, extra);
    assert_int_equal(apply_all(root, "SVC4", NULL), 3);
    char *text = tl_read(root, "services/tasks/email_tasks.py");
    const char *first = strstr(text, "def delay_notify");
    assert_non_null(first);
    assert_null(strstr(first + 1, "def delay_notify"));
    free(text);
    assert_file(root, "orders/signals.py",
                "from services.tasks import email_tasks\n"
                "\n"
                "\n"
                "def on_save(user):\n"
                "    email_tasks.delay_notify(user.id)\n"
                "    email_tasks.delay_notify(0)\n");
    assert_fixed(root, "SVC4", NULL);
    drop_repo(root);
}

static void test_402_module_name_taken(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/signals.py", "from services.tasks.email_tasks import _send_welcome\n"
                                                     "\n"
                                                     "\n"
                                                     "def on_save(user, email_tasks=None):\n"
                                                     "    _send_welcome.delay(user.id)\n" },
                              { NULL, NULL } };
    char *root = make_repo(wrapped_tasks);
    tl_write_files(root, extra);
    assert_no_fix_because(root, "SVC402", "orders/signals.py", 5, "`email_tasks` already names something else");
    drop_repo(root);
}

static void test_402_relative_import_of_the_task(void **state)
{
    (void)state;
    /* `email_tasks` in the path of the relative import names the very module the fix imports */
    const tl_file extra[] = { { "services/billing/invoices.py", "from ..tasks.email_tasks import _send_welcome\n"
                                                                "\n"
                                                                "\n"
                                                                "def total(order):\n"
                                                                "    _send_welcome.delay(order.user_id)\n" },
                              { NULL, NULL } };
    char *root = make_repo(wrapped_tasks);
    tl_write_files(root, extra);
    char *msg = apply_one(root, "SVC402", "services/billing/invoices.py", 5, SVC_FIX_UNSAFE);
    free(msg);
    assert_file(root, "services/billing/invoices.py",
                "from services.tasks import email_tasks\n"
                "\n"
                "\n"
                "def total(order):\n"
                "    email_tasks.delay_send_welcome(order.user_id)\n");
    drop_repo(root);
}

static void test_402_delay_passed_as_value(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/signals.py", "from functools import partial\n"
                                                     "\n"
                                                     "from services.tasks.email_tasks import _send_welcome, _notify\n"
                                                     "\n"
                                                     "\n"
                                                     "def on_save(user, on_commit):\n"
                                                     "    on_commit(partial(_send_welcome.delay, user.id))\n"
                                                     "    on_commit(partial(_notify.apply_async, (user.id,)))\n" },
                              { NULL, NULL } };
    char *root = make_repo(wrapped_tasks);
    tl_write_files(root, extra);
    assert_no_fix_because(root, "SVC402", "orders/signals.py", 8, "`.apply_async` is passed as a value");
    char *msg = apply_one(root, "SVC402", "orders/signals.py", 7, SVC_FIX_UNSAFE);
    assert_string_equal(msg, "Pass `email_tasks.delay_send_welcome` instead of the task's `.delay`");
    free(msg);
    assert_file(root, "orders/signals.py",
                "from functools import partial\n"
                "\n"
                "from services.tasks.email_tasks import _notify\n"
                "from services.tasks import email_tasks\n"
                "\n"
                "\n"
                "def on_save(user, on_commit):\n"
                "    on_commit(partial(email_tasks.delay_send_welcome, user.id))\n"
                "    on_commit(partial(_notify.apply_async, (user.id,)))\n");
    drop_repo(root);
}

static void test_402_says_why_not(void **state)
{
    (void)state;
    const tl_file extra[] = {
        { "services/tasks/stock_tasks.py", "from shop.celery import app\n"
                                           "from orders import views\n"
                                           "\n"
                                           "\n"
                                           "@app.task\n"
                                           "def _sync(sku):\n"
                                           "    return views\n"
                                           "\n"
                                           "\n"
                                           "def delay_sync(sku, countdown=None):\n"
                                           "    return _sync.apply_async((sku,), countdown=countdown)\n" },
        { "orders/tasks.py", "from shop.celery import app\n"
                             "\n"
                             "\n"
                             "@app.task\n"
                             "def refresh(order_id):\n"
                             "    pass\n" },
        { "orders/signals.py", "from services.tasks import email_tasks\n"
                               "from orders.tasks import refresh\n"
                               "\n"
                               "\n"
                               "def on_save(order, payload):\n"
                               "    email_tasks._send_receipt.apply_async((1,), countdown=10)\n"
                               "    email_tasks._send_receipt.apply_async(payload)\n"
                               "    email_tasks._send_receipt.apply_async((2,), {'copy': True}, 'id')\n"
                               "    email_tasks._send_receipt.apply_async(*payload)\n"
                               "    refresh.delay(order.id)\n"
                               "    payload.delay(3)\n"
                               "    email_tasks._notify.apply_async((4,), queue='slow')\n" },
        { "orders/views.py", "def show(order):\n"
                             "    from services.tasks.stock_tasks import _sync\n"
                             "    _sync.delay(order.sku)\n"
                             "    _sync.apply_async((order.sku,), countdown=5)\n" },
        { NULL, NULL } };
    char *root = make_repo(wrapped_tasks);
    tl_write_files(root, extra);
    assert_no_fix_because(root, "SVC402", "orders/signals.py", 6,
                          "`.apply_async` passes `countdown`, which `delay_send_receipt` does not take");
    assert_no_fix_because(root, "SVC402", "orders/signals.py", 7, "args are `payload`, not a literal list or tuple");
    assert_no_fix_because(root, "SVC402", "orders/signals.py", 8, "execution options by position");
    assert_no_fix_because(root, "SVC402", "orders/signals.py", 9, "is given `*payload`");
    assert_no_fix_because(root, "SVC402", "orders/signals.py", 10, "task `refresh` is not in the tasks service yet");
    assert_no_fix_because(root, "SVC402", "orders/signals.py", 11, "not known to be a task");
    assert_no_fix_because(root, "SVC402", "orders/signals.py", 12,
                          "passes `queue`, and task `_notify` has no `delay_` wrapper to take it");
    /* stock_tasks imports orders.views: importing it there at module level would be a cycle */
    assert_no_fix_because(root, "SVC402", "orders/views.py", 3, "would make an import cycle");
    drop_repo(root);
}

static void test_402_wrapper_takes_options(void **state)
{
    (void)state;
    const tl_file extra[] = {
        { "services/tasks/stock_tasks.py", "from shop.celery import app\n"
                                           "\n"
                                           "\n"
                                           "@app.task\n"
                                           "def _sync(sku, count=1):\n"
                                           "    pass\n"
                                           "\n"
                                           "\n"
                                           "def delay_sync(sku, count=1, countdown=None, queue=None):\n"
                                           "    return _sync.apply_async((sku, count), countdown=countdown, queue=queue)\n"
                                           "\n"
                                           "\n"
                                           "@app.task\n"
                                           "def _sync_many(sku, *more):\n"
                                           "    pass\n"
                                           "\n"
                                           "\n"
                                           "def delay_sync_many(sku, countdown=None, *more):\n"
                                           "    return _sync_many.apply_async((sku, *more), countdown=countdown)\n" },
        { "orders/signals.py", "from services.tasks.stock_tasks import _sync\n"
                               "\n"
                               "\n"
                               "def on_save(order):\n"
                               "    _sync.apply_async((order.sku,), {'count': 2}, countdown=10, queue='slow')\n"
                               "    _sync.delay(order.sku)\n"
                               "    _sync.apply_async((order.sku,), eta=order.when)\n"
                               "\n"
                               "\n"
                               "def on_delete(order):\n"
                               "    from services.tasks.stock_tasks import _sync_many\n"
                               "\n"
                               "    _sync_many.delay(order.sku, order.other_sku)\n" },
        { NULL, NULL } };
    char *root = make_repo(wrapped_tasks);
    tl_write_files(root, extra);
    assert_int_equal(apply_all(root, "SVC402", NULL), 2);
    assert_file(root, "orders/signals.py",
                "from services.tasks.stock_tasks import _sync\n"
                "from services.tasks import stock_tasks\n"
                "\n"
                "\n"
                "def on_save(order):\n"
                "    stock_tasks.delay_sync(order.sku, count=2, countdown=10, queue='slow')\n"
                "    stock_tasks.delay_sync(order.sku)\n"
                "    _sync.apply_async((order.sku,), eta=order.when)\n"
                "\n"
                "\n"
                "def on_delete(order):\n"
                "    from services.tasks.stock_tasks import _sync_many\n"
                "\n"
                "    _sync_many.delay(order.sku, order.other_sku)\n");
    assert_no_fix_because(root, "SVC402", "orders/signals.py", 8, "passes `eta`, which `delay_sync` does not take");
    /* `countdown` would take the second argument */
    assert_no_fix_because(root, "SVC402", "orders/signals.py", 14,
                          "the `delay_` wrapper of task `_sync_many` does not take the task's parameters");
    drop_repo(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixes_computed_on_request_once),
        cmocka_unit_test(test_catalogue_names_the_fixers),
        cmocka_unit_test(test_101_creates_init),
        cmocka_unit_test(test_101_services_root),
        cmocka_unit_test(test_104_creates_tests_init),
        cmocka_unit_test(test_103_moves_and_rewrites_relative_imports),
        cmocka_unit_test(test_103_creates_tests_package),
        cmocka_unit_test(test_103_refuses_existing_target),
        cmocka_unit_test(test_201_basic),
        cmocka_unit_test(test_201_alias),
        cmocka_unit_test(test_201_multi_name_statement),
        cmocka_unit_test(test_201_all_at_once_converges),
        cmocka_unit_test(test_201_name_clash_uses_alias),
        cmocka_unit_test(test_201_reuses_existing_import),
        cmocka_unit_test(test_201_inside_function),
        cmocka_unit_test(test_201_no_fix),
        cmocka_unit_test(test_201_crlf_and_bom),
        cmocka_unit_test(test_202_chain),
        cmocka_unit_test(test_301_appends_to_existing_import),
        cmocka_unit_test(test_301_new_import_and_all),
        cmocka_unit_test(test_301_multiline_all_and_docstring_only_init),
        cmocka_unit_test(test_301_no_fix),
        cmocka_unit_test(test_302_imports_names),
        cmocka_unit_test(test_302_no_fix_when_not_at_root),
        cmocka_unit_test(test_303_bare_name),
        cmocka_unit_test(test_303_appends_and_clash),
        cmocka_unit_test(test_404_wrapper),
        cmocka_unit_test(test_404_tabs_crlf_no_final_newline),
        cmocka_unit_test(test_403_rename_across_repo),
        cmocka_unit_test(test_403_and_404_together),
        cmocka_unit_test(test_403_decorator_forms),
        cmocka_unit_test(test_405_rename_call_sites),
        cmocka_unit_test(test_405_task_of_another_module),
        cmocka_unit_test(test_402_calls_wrapper),
        cmocka_unit_test(test_402_imports_tasks_module_and_adds_wrapper),
        cmocka_unit_test(test_402_and_404_add_one_wrapper),
        cmocka_unit_test(test_402_module_name_taken),
        cmocka_unit_test(test_402_relative_import_of_the_task),
        cmocka_unit_test(test_402_delay_passed_as_value),
        cmocka_unit_test(test_402_says_why_not),
        cmocka_unit_test(test_402_wrapper_takes_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

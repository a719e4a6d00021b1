/* Facts: what one Python file says, as the rules will read it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "testlib.h"
#include "core/ts_arena.h"
#include "svcscope/facts.h"
#include "svcscope/util.h"

#define MODULE "services.billing.invoices"

static svc_facts *extract_as(const char *module, bool is_package, const char *src)
{
    svc_facts *f = svc_facts_extract("services/billing/invoices.py", module, is_package, src, strlen(src));
    assert_non_null(f);
    return f;
}

static svc_facts *extract(const char *src)
{
    return extract_as(MODULE, false, src);
}

/* The nth (0-based) ref written as `raw`; fails the test when there is none. */
static const svc_ref *ref_n(const svc_facts *f, const char *raw, int nth)
{
    for (size_t i = 0; i < f->nrefs; i++)
        if (strcmp(f->refs[i].raw, raw) == 0 && nth-- == 0) return &f->refs[i];
    fail_msg("no ref %s", raw);
    return NULL;
}

static const svc_ref *ref(const svc_facts *f, const char *raw)
{
    return ref_n(f, raw, 0);
}

static size_t count_refs(const svc_facts *f, const char *raw)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nrefs; i++) n += strcmp(f->refs[i].raw, raw) == 0;
    return n;
}

static const svc_import *import_bound(const svc_facts *f, const char *bound)
{
    for (size_t i = 0; i < f->nimports; i++)
        if (f->imports[i].bound && strcmp(f->imports[i].bound, bound) == 0) return &f->imports[i];
    fail_msg("no import binding %s", bound);
    return NULL;
}

static int def_index(const svc_facts *f, const char *qualname)
{
    for (size_t i = 0; i < f->ndefs; i++)
        if (strcmp(f->defs[i].qualname, qualname) == 0) return (int)i;
    fail_msg("no def %s", qualname);
    return -1;
}

static const svc_def *def(const svc_facts *f, const char *qualname)
{
    return &f->defs[def_index(f, qualname)];
}

static const svc_call *call_attr(const svc_facts *f, const char *attr)
{
    for (size_t i = 0; i < f->ncalls; i++)
        if (f->calls[i].attr && strcmp(f->calls[i].attr, attr) == 0) return &f->calls[i];
    fail_msg("no call of %s", attr);
    return NULL;
}

static const svc_assign *assign_named(const svc_facts *f, const char *name, int nth)
{
    for (size_t i = 0; i < f->nassigns; i++)
        if (strcmp(f->assigns[i].name, name) == 0 && nth-- == 0) return &f->assigns[i];
    fail_msg("no assignment to %s", name);
    return NULL;
}

static void assert_pos(svc_span s, unsigned row, unsigned col, unsigned end_row, unsigned end_col)
{
    assert_int_equal(s.row, row);
    assert_int_equal(s.col, col);
    assert_int_equal(s.end_row, end_row);
    assert_int_equal(s.end_col, end_col);
}

/* The text a span covers in the original bytes. */
static void assert_span_text(const char *bytes, svc_span s, const char *want)
{
    size_t n = s.end_byte - s.byte;
    char *got = malloc(n + 1);
    memcpy(got, bytes + s.byte, n);
    got[n] = '\0';
    assert_string_equal(got, want);
    free(got);
}

/* ---- imports ------------------------------------------------------------------ */

static void test_import_forms(void **state)
{
    (void)state;
    const char *src =
        "import a\n"
        "import a.b.c\n"
        "import a.b.c as x\n"
        "from m import n\n"
        "from m import n2 as y, o\n"
        "from m import (\n"
        "    p,\n"
        "    q,\n"
        ")\n"
        "from m.sub import *\n"
        "import os, sys as system\n";
    svc_facts *f = extract(src);
    assert_int_equal(f->nimports, 11);

    const svc_import *i = &f->imports[0];
    assert_int_equal(i->kind, SVC_IMPORT_MODULE);
    assert_string_equal(i->module, "a");
    assert_null(i->name);
    assert_null(i->alias);
    assert_string_equal(i->bound, "a");
    assert_string_equal(i->target, "a");
    assert_int_equal(i->level, 0);
    assert_false(i->unresolved);
    assert_int_equal(i->scope, -1);
    assert_pos(i->span, 0, 7, 0, 8);
    assert_pos(i->stmt_span, 0, 0, 0, 8);
    assert_int_equal(i->stmt_names, 1);

    i = &f->imports[1]; /* import a.b.c binds a */
    assert_string_equal(i->module, "a.b.c");
    assert_string_equal(i->bound, "a");
    assert_string_equal(i->target, "a");
    assert_span_text(src, i->span, "a.b.c");

    i = &f->imports[2];
    assert_string_equal(i->module, "a.b.c");
    assert_string_equal(i->alias, "x");
    assert_string_equal(i->bound, "x");
    assert_string_equal(i->target, "a.b.c");
    assert_span_text(src, i->span, "a.b.c as x");

    i = &f->imports[3];
    assert_int_equal(i->kind, SVC_IMPORT_FROM);
    assert_string_equal(i->module, "m");
    assert_string_equal(i->name, "n");
    assert_string_equal(i->bound, "n");
    assert_string_equal(i->target, "m.n");
    assert_pos(i->span, 3, 14, 3, 15);

    i = &f->imports[4];
    assert_string_equal(i->name, "n2");
    assert_string_equal(i->alias, "y");
    assert_string_equal(i->bound, "y");
    assert_string_equal(i->target, "m.n2");
    assert_int_equal(i->stmt_names, 2);
    assert_span_text(src, i->span, "n2 as y");
    assert_span_text(src, i->stmt_span, "from m import n2 as y, o");
    i = &f->imports[5];
    assert_string_equal(i->bound, "o");
    assert_string_equal(i->target, "m.o");
    assert_int_equal(i->stmt_names, 2);

    /* parenthesised, over several lines, trailing comma */
    i = &f->imports[6];
    assert_string_equal(i->target, "m.p");
    assert_pos(i->span, 6, 4, 6, 5);
    assert_int_equal(i->stmt_names, 2);
    assert_pos(i->stmt_span, 5, 0, 8, 1);
    assert_string_equal(f->imports[7].target, "m.q");

    i = &f->imports[8];
    assert_int_equal(i->kind, SVC_IMPORT_STAR);
    assert_string_equal(i->module, "m.sub");
    assert_null(i->bound);
    assert_span_text(src, i->span, "*");

    assert_string_equal(f->imports[9].bound, "os");
    assert_int_equal(f->imports[9].stmt_names, 2);
    assert_string_equal(f->imports[10].bound, "system");
    assert_string_equal(f->imports[10].target, "sys");
    svc_facts_free(f);
}

static void test_relative_imports_in_module(void **state)
{
    (void)state;
    /* a/b/c.py is module a.b.c: its package is a.b */
    svc_facts *f = extract_as("a.b.c", false,
                              "from . import z\n"
                              "from .. import w\n"
                              "from ..x.y import v\n"
                              "from .sibling import *\n"
                              "from ... import too_far\n"
                              "from .d import e as alias\n");
    assert_int_equal(f->nimports, 6);
    assert_string_equal(f->imports[0].module, "a.b");
    assert_string_equal(f->imports[0].target, "a.b.z");
    assert_int_equal(f->imports[0].level, 1);
    assert_string_equal(f->imports[1].module, "a");
    assert_string_equal(f->imports[1].target, "a.w");
    assert_int_equal(f->imports[1].level, 2);
    assert_string_equal(f->imports[2].module, "a.x.y");
    assert_string_equal(f->imports[2].target, "a.x.y.v");
    assert_int_equal(f->imports[3].kind, SVC_IMPORT_STAR);
    assert_string_equal(f->imports[3].module, "a.b.sibling");
    assert_true(f->imports[4].unresolved);
    assert_int_equal(f->imports[4].level, 3);
    assert_string_equal(f->imports[4].module, "...");
    assert_false(f->imports[5].unresolved);
    assert_string_equal(f->imports[5].target, "a.b.d.e");
    assert_string_equal(f->imports[5].bound, "alias");
    svc_facts_free(f);
}

static void test_relative_imports_in_package(void **state)
{
    (void)state;
    /* a/b/__init__.py is the package a.b itself */
    svc_facts *f = extract_as("a.b", true,
                              "from . import x\n"
                              "from .errors import PaymentError\n"
                              "from .. import y\n"
                              "from ... import z\n");
    assert_string_equal(f->imports[0].module, "a.b");
    assert_string_equal(f->imports[0].target, "a.b.x");
    assert_string_equal(f->imports[1].target, "a.b.errors.PaymentError");
    assert_string_equal(f->imports[2].module, "a");
    assert_string_equal(f->imports[2].target, "a.y");
    assert_false(f->imports[2].unresolved);
    assert_true(f->imports[3].unresolved);
    svc_facts_free(f);

    /* services/__init__.py (top-level package) */
    f = extract_as("services", true, "from .billing import charge\nfrom .. import nothing\n");
    assert_string_equal(f->imports[0].target, "services.billing.charge");
    assert_true(f->imports[1].unresolved);
    svc_facts_free(f);

    /* top-level module: no package to be relative to */
    f = extract_as("manage", false, "from . import settings\n");
    assert_true(f->imports[0].unresolved);
    svc_facts_free(f);

    /* not importable at all */
    f = extract_as(NULL, false, "from .x import y\nimport a.b\n");
    assert_true(f->imports[0].unresolved);
    assert_string_equal(f->imports[0].module, ".x");
    assert_int_equal(f->imports[0].level, 1);
    assert_false(f->imports[1].unresolved);
    assert_string_equal(f->imports[1].module, "a.b");
    svc_facts_free(f);
}

static void test_import_scopes(void **state)
{
    (void)state;
    svc_facts *f = extract("try:\n"
                           "    import json\n"
                           "except ImportError:\n"
                           "    json = None\n"
                           "if TYPE_CHECKING:\n"
                           "    from services.billing import Invoice\n"
                           "def f():\n"
                           "    from services.tasks.email_tasks import delay_send\n"
                           "    def g():\n"
                           "        import os.path\n"
                           "    delay_send(1)\n"
                           "json.dumps(1)\n");
    assert_int_equal(import_bound(f, "json")->scope, -1);
    assert_int_equal(import_bound(f, "Invoice")->scope, -1);
    assert_int_equal(import_bound(f, "delay_send")->scope, def_index(f, "f"));
    assert_int_equal(import_bound(f, "os")->scope, def_index(f, "f.g"));
    /* the import wins over the fallback assignment */
    assert_int_equal(ref(f, "json.dumps")->binding, SVC_BIND_IMPORT);
    assert_string_equal(ref(f, "json.dumps")->resolved, "json.dumps");
    const svc_ref *r = ref(f, "delay_send");
    assert_int_equal(r->binding, SVC_BIND_IMPORT);
    assert_string_equal(r->resolved, "services.tasks.email_tasks.delay_send");
    assert_int_equal(r->scope, def_index(f, "f"));
    svc_facts_free(f);
}

/* ---- name resolution ------------------------------------------------------------- */

static void test_alias_and_chain_resolution(void **state)
{
    (void)state;
    const char *src =
        "import services.a as y\n"
        "import services.a.b\n"
        "from services.integrations import google_calendar\n"
        "def helper():\n"
        "    pass\n"
        "y.b.c\n"
        "services.a.b.f()\n"
        "google_calendar.credentials.get_credentials(user)\n"
        "helper()\n"
        "len(y)\n";
    svc_facts *f = extract(src);

    const svc_ref *r = ref(f, "y.b.c");
    assert_int_equal(r->binding, SVC_BIND_IMPORT);
    assert_string_equal(r->resolved, "services.a.b.c");
    assert_int_equal(r->import_index, 0);
    assert_pos(r->span, 5, 0, 5, 5);
    assert_pos(r->head_span, 5, 0, 5, 1);

    r = ref(f, "services.a.b.f");
    assert_string_equal(r->resolved, "services.a.b.f");
    assert_int_equal(r->import_index, 1);
    assert_true(r->flags & SVC_REF_CALLED);

    r = ref(f, "google_calendar.credentials.get_credentials");
    assert_string_equal(r->resolved, "services.integrations.google_calendar.credentials.get_credentials");
    assert_int_equal(r->flags, SVC_REF_CALLED);
    assert_span_text(src, r->span, "google_calendar.credentials.get_credentials");
    assert_span_text(src, r->head_span, "google_calendar");
    assert_int_equal(ref(f, "user")->flags, SVC_REF_ARGUMENT);
    assert_int_equal(ref(f, "user")->binding, SVC_BIND_UNKNOWN);
    assert_null(ref(f, "user")->resolved);

    r = ref(f, "helper");
    assert_int_equal(r->binding, SVC_BIND_MODULE);
    assert_string_equal(r->resolved, MODULE ".helper");
    assert_int_equal(ref(f, "len")->binding, SVC_BIND_UNKNOWN);
    assert_string_equal(ref(f, "y")->resolved, "services.a");
    svc_facts_free(f);

    /* without a module name, module-level names resolve to themselves */
    f = extract_as(NULL, false, "def helper(): pass\nhelper.x()\n");
    assert_string_equal(ref(f, "helper.x")->resolved, "helper.x");
    assert_int_equal(ref(f, "helper.x")->binding, SVC_BIND_MODULE);
    svc_facts_free(f);
}

static void test_chain_whitespace_and_comments(void **state)
{
    (void)state;
    const char *src = "import services\n"
                      "x = (services .billing\n"
                      "     .charge)  # noqa\n";
    svc_facts *f = extract(src);
    const svc_ref *r = ref(f, "services.billing.charge");
    assert_string_equal(r->resolved, "services.billing.charge");
    assert_pos(r->span, 1, 5, 2, 12);
    assert_string_equal(assign_named(f, "x", 0)->value_chain, "services.billing.charge");
    svc_facts_free(f);
}

static void test_shadowing(void **state)
{
    (void)state;
    svc_facts *f = extract("from services.billing import charge, refund\n"
                           "def uses_param(charge):\n"
                           "    charge()\n"
                           "def assigns_first():\n"
                           "    charge = make()\n"
                           "    charge()\n"
                           "def assigns_later():\n"
                           "    charge()\n"
                           "    for charge in []:\n"
                           "        pass\n"
                           "def declared_global():\n"
                           "    global charge\n"
                           "    charge = 1\n"
                           "    charge()\n"
                           "def imports_locally():\n"
                           "    from services.other import charge\n"
                           "    charge()\n"
                           "def outer():\n"
                           "    refund = 1\n"
                           "    def inner():\n"
                           "        return refund\n"
                           "    return inner\n"
                           "def with_and_except():\n"
                           "    with open('x') as charge:\n"
                           "        pass\n"
                           "    try:\n"
                           "        pass\n"
                           "    except Exception as refund:\n"
                           "        refund()\n"
                           "    return charge\n"
                           "def plain():\n"
                           "    return charge, refund\n");
    assert_int_equal(ref_n(f, "charge", 0)->binding, SVC_BIND_LOCAL);
    assert_null(ref_n(f, "charge", 0)->resolved);
    assert_int_equal(ref_n(f, "charge", 0)->scope, def_index(f, "uses_param"));
    assert_int_equal(ref_n(f, "charge", 1)->binding, SVC_BIND_LOCAL);
    assert_int_equal(ref_n(f, "charge", 2)->binding, SVC_BIND_LOCAL); /* bound later in the function */
    assert_int_equal(ref_n(f, "charge", 3)->binding, SVC_BIND_IMPORT);
    assert_string_equal(ref_n(f, "charge", 3)->resolved, "services.billing.charge");
    assert_int_equal(ref_n(f, "charge", 4)->binding, SVC_BIND_IMPORT);
    assert_string_equal(ref_n(f, "charge", 4)->resolved, "services.other.charge");
    assert_int_equal(ref_n(f, "refund", 0)->binding, SVC_BIND_LOCAL); /* enclosing function's local */
    assert_int_equal(ref_n(f, "refund", 1)->binding, SVC_BIND_LOCAL); /* except ... as */
    assert_int_equal(ref_n(f, "charge", 5)->binding, SVC_BIND_LOCAL); /* with ... as */
    assert_int_equal(ref_n(f, "charge", 6)->binding, SVC_BIND_IMPORT);
    assert_int_equal(ref_n(f, "refund", 2)->binding, SVC_BIND_IMPORT);
    svc_facts_free(f);
}

static void test_class_scope_and_comprehensions(void **state)
{
    (void)state;
    svc_facts *f = extract("import total\n"
                           "class Invoice:\n"
                           "    total = 0\n"
                           "    doubled = total * 2\n"
                           "    def amount(self):\n"
                           "        return total.compute(self)\n"
                           "squares = [item.size for item in items]\n"
                           "key = lambda invoice: invoice.number\n"
                           "def f(rows):\n"
                           "    return {k: v for k, v in rows}, (w := 3), w\n");
    /* the class body sees its own name; the method does not */
    assert_int_equal(ref_n(f, "total", 0)->binding, SVC_BIND_LOCAL);
    assert_int_equal(ref_n(f, "total", 0)->scope, def_index(f, "Invoice"));
    assert_int_equal(ref(f, "total.compute")->binding, SVC_BIND_IMPORT);
    assert_int_equal(ref(f, "self")->binding, SVC_BIND_LOCAL);
    /* comprehension and lambda variables are theirs, not the module's */
    assert_int_equal(ref(f, "item.size")->binding, SVC_BIND_LOCAL);
    assert_int_equal(ref(f, "items")->binding, SVC_BIND_UNKNOWN);
    assert_int_equal(ref(f, "invoice.number")->binding, SVC_BIND_LOCAL);
    assert_int_equal(ref(f, "k")->binding, SVC_BIND_LOCAL);
    assert_int_equal(ref(f, "rows")->binding, SVC_BIND_LOCAL);
    assert_int_equal(ref(f, "w")->binding, SVC_BIND_LOCAL); /* walrus */
    assert_int_equal(count_refs(f, "item"), 0);
    svc_facts_free(f);
}

/* ---- defs ------------------------------------------------------------------------- */

static void test_decorators(void **state)
{
    (void)state;
    const char *src =
        "import celery\n"
        "from celery import shared_task\n"
        "from proj.celery import app\n"
        "from services.tasks.base import BaseTask\n"
        "@app.task\n"
        "def _a(): pass\n"
        "@app.task(bind=True, name=\"x\", base=BaseTask)\n"
        "def _b(self): pass\n"
        "@shared_task\n"
        "def _c(): pass\n"
        "@celery.shared_task()\n"
        "def _d(): pass\n"
        "@property\n"
        "@functools.wraps(f)\n"
        "def _e(): pass\n";
    svc_facts *f = extract(src);

    const svc_def *d = def(f, "_a");
    assert_int_equal(d->ndecorators, 1);
    assert_string_equal(d->decorators[0].raw, "app.task");
    assert_string_equal(d->decorators[0].callee, "proj.celery.app.task");
    assert_false(d->decorators[0].is_call);
    assert_int_equal(d->decorators[0].nargs, 0);
    assert_pos(d->decorators[0].span, 4, 1, 4, 9);
    assert_pos(d->span, 4, 0, 5, 14);
    assert_pos(d->name_span, 5, 4, 5, 6);

    d = def(f, "_b");
    const svc_decorator *dec = &d->decorators[0];
    assert_true(dec->is_call);
    assert_string_equal(dec->raw, "app.task");
    assert_string_equal(dec->callee, "proj.celery.app.task");
    assert_int_equal(dec->nargs, 3);
    assert_string_equal(dec->args[0].keyword, "bind");
    assert_string_equal(dec->args[0].text, "True");
    assert_null(dec->args[0].chain);
    assert_string_equal(dec->args[1].keyword, "name");
    assert_string_equal(dec->args[1].text, "\"x\"");
    assert_string_equal(dec->args[2].chain, "services.tasks.base.BaseTask");
    assert_span_text(src, dec->span, "app.task(bind=True, name=\"x\", base=BaseTask)");
    assert_span_text(src, dec->args_span, "(bind=True, name=\"x\", base=BaseTask)");
    assert_span_text(src, dec->args[1].span, "name=\"x\"");

    d = def(f, "_c");
    assert_string_equal(d->decorators[0].raw, "shared_task");
    assert_string_equal(d->decorators[0].callee, "celery.shared_task");
    assert_false(d->decorators[0].is_call);

    d = def(f, "_d");
    assert_string_equal(d->decorators[0].raw, "celery.shared_task");
    assert_string_equal(d->decorators[0].callee, "celery.shared_task");
    assert_true(d->decorators[0].is_call);
    assert_int_equal(d->decorators[0].nargs, 0);

    d = def(f, "_e");
    assert_int_equal(d->ndecorators, 2);
    assert_string_equal(d->decorators[0].callee, "property"); /* unbound: as written */
    assert_string_equal(d->decorators[1].callee, "functools.wraps");
    assert_int_equal(d->decorators[1].nargs, 1);
    assert_pos(d->span, 12, 0, 14, 14);
    assert_int_equal(d->indent, 0);

    /* the refs and calls see decorators too */
    assert_int_equal(ref_n(f, "app.task", 0)->flags, SVC_REF_DECORATOR);
    assert_int_equal(ref_n(f, "app.task", 1)->flags, SVC_REF_DECORATOR | SVC_REF_CALLED);
    assert_int_equal(ref(f, "shared_task")->flags, SVC_REF_DECORATOR);
    assert_int_equal(ref(f, "BaseTask")->flags, SVC_REF_ARGUMENT);
    assert_int_equal(call_attr(f, "task")->nargs, 3);
    svc_facts_free(f);
}

static void test_defs_nested_and_params(void **state)
{
    (void)state;
    const char *src =
        "class Invoice(Base):\n"
        "    \"\"\"An invoice.\"\"\"\n"
        "    def total(self, a, /, b: int = 1, *args, c, d=2, **kwargs) -> int:\n"
        "        '''Sum.'''\n"
        "        def helper(x, *, y):\n"
        "            for i in x:\n"
        "                pass\n"
        "        return helper(1, y=2)\n"
        "    async def fetch(self):\n"
        "        while True:\n"
        "            await self.once()\n"
        "    class Meta:\n"
        "        ordering = ['id']\n"
        "def top(): return 1\n";
    svc_facts *f = extract(src);
    assert_int_equal(f->ndefs, 6);
    const char *order[] = { "Invoice", "Invoice.total", "Invoice.total.helper", "Invoice.fetch", "Invoice.Meta", "top" };
    for (size_t i = 0; i < 6; i++) assert_string_equal(f->defs[i].qualname, order[i]);

    const svc_def *cls = def(f, "Invoice");
    assert_int_equal(cls->kind, SVC_DEF_CLASS);
    assert_int_equal(cls->parent, -1);
    assert_true(cls->has_docstring);
    assert_int_equal(cls->body_statements, 3);
    assert_false(cls->has_loop);

    const svc_def *total = def(f, "Invoice.total");
    assert_int_equal(total->kind, SVC_DEF_FUNCTION);
    assert_string_equal(total->name, "total");
    assert_int_equal(total->parent, 0);
    assert_false(total->is_async);
    assert_true(total->has_docstring);
    assert_int_equal(total->body_statements, 2);
    assert_false(total->has_loop); /* the loop is in the nested helper */
    assert_int_equal(total->indent, 4);
    assert_pos(total->name_span, 2, 8, 2, 13);
    assert_int_equal(total->body_span.row, 3);
    assert_int_equal(total->nparams, 7);
    const struct {
        const char *name;
        svc_param_kind kind;
        const char *def;
        const char *ann;
    } want[] = {
        { "self", SVC_PARAM_POSONLY, NULL, NULL },   { "a", SVC_PARAM_POSONLY, NULL, NULL },
        { "b", SVC_PARAM_NORMAL, "1", "int" },       { "args", SVC_PARAM_VARARGS, NULL, NULL },
        { "c", SVC_PARAM_KWONLY, NULL, NULL },       { "d", SVC_PARAM_KWONLY, "2", NULL },
        { "kwargs", SVC_PARAM_KWARGS, NULL, NULL },
    };
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(total->params[i].name, want[i].name);
        assert_int_equal(total->params[i].kind, want[i].kind);
        if (want[i].def) assert_string_equal(total->params[i].default_text, want[i].def);
        else assert_null(total->params[i].default_text);
        if (want[i].ann) assert_string_equal(total->params[i].annotation, want[i].ann);
        else assert_null(total->params[i].annotation);
    }

    const svc_def *helper = def(f, "Invoice.total.helper");
    assert_int_equal(helper->parent, def_index(f, "Invoice.total"));
    assert_true(helper->has_loop);
    assert_int_equal(helper->nparams, 2);
    assert_int_equal(helper->params[1].kind, SVC_PARAM_KWONLY);
    assert_int_equal(helper->indent, 8);

    const svc_def *fetch = def(f, "Invoice.fetch");
    assert_true(fetch->is_async);
    assert_true(fetch->has_loop);
    assert_int_equal(fetch->body_statements, 1);
    assert_false(fetch->has_docstring);

    assert_int_equal(def(f, "Invoice.Meta")->kind, SVC_DEF_CLASS);
    assert_int_equal(def(f, "Invoice.Meta")->parent, 0);
    assert_int_equal(def(f, "top")->body_statements, 1);

    /* the innermost def holding a byte */
    const char *in_helper = strstr(src, "for i in x");
    assert_int_equal(svc_facts_def_at(f, (uint32_t)(in_helper - src)), def_index(f, "Invoice.total.helper"));
    const char *in_total = strstr(src, "return helper");
    assert_int_equal(svc_facts_def_at(f, (uint32_t)(in_total - src)), def_index(f, "Invoice.total"));
    const char *in_meta = strstr(src, "ordering");
    assert_int_equal(svc_facts_def_at(f, (uint32_t)(in_meta - src)), def_index(f, "Invoice.Meta"));
    assert_int_equal(svc_facts_def_at(f, (uint32_t)(strstr(src, "def top") - src)), def_index(f, "top"));
    assert_int_equal(svc_facts_def_at(f, (uint32_t)strlen(src)), -1);

    /* params are locals, their defaults and annotations are read in the enclosing scope */
    assert_int_equal(ref(f, "int")->scope, def_index(f, "Invoice"));
    assert_int_equal(ref(f, "helper")->binding, SVC_BIND_LOCAL);
    assert_int_equal(ref(f, "self.once")->binding, SVC_BIND_LOCAL);
    svc_facts_free(f);
}

static void test_class_bases(void **state)
{
    (void)state;
    svc_facts *f = extract("from services.billing import errors\n"
                           "import django.db.models as models\n"
                           "class BillingError(Exception):\n"
                           "    pass\n"
                           "class E(errors.BillingError):\n"
                           "    pass\n"
                           "class F(BillingError, models.Model, metaclass=Meta, *extra):\n"
                           "    pass\n"
                           "class G(make_base()):\n"
                           "    pass\n");
    const svc_def *d = def(f, "BillingError");
    assert_int_equal(d->nbases, 1);
    assert_string_equal(d->bases[0], "Exception");

    d = def(f, "E");
    assert_int_equal(d->nbases, 1);
    assert_string_equal(d->bases[0], "services.billing.errors.BillingError");
    const svc_ref *r = ref(f, "errors.BillingError");
    assert_int_equal(r->flags, SVC_REF_BASE);
    assert_int_equal(r->binding, SVC_BIND_IMPORT);

    d = def(f, "F");
    assert_int_equal(d->nbases, 2);
    assert_string_equal(d->bases[0], MODULE ".BillingError");
    assert_string_equal(d->bases[1], "django.db.models.Model");
    assert_int_equal(ref(f, "Meta")->flags, 0);

    d = def(f, "G");
    assert_int_equal(d->nbases, 1);
    assert_string_equal(d->bases[0], "make_base()");
    assert_int_equal(ref(f, "make_base")->flags, SVC_REF_CALLED);
    svc_facts_free(f);
}

/* ---- refs and calls ---------------------------------------------------------------- */

static void test_calls(void **state)
{
    (void)state;
    char long_callee[400];
    memset(long_callee, 'a', 300);
    memcpy(long_callee + 300, "()\n", 4);
    const char *src =
        "from services.tasks.email_tasks import send_email\n"
        "get_task().delay(1, countdown=5)\n"
        "tasks[0].apply_async(args=(1,))\n"
        "send_email.delay(user.id, *rest, **options)\n"
        "f().x\n"
        "obj.method(1)(2)\n";
    svc_facts *f = extract(src);

    const svc_call *c = call_attr(f, "delay");
    assert_int_equal(c->ref, -1);
    assert_string_equal(c->callee_text, "get_task().delay");
    assert_int_equal(c->scope, -1);
    assert_int_equal(c->nargs, 2);
    assert_null(c->args[0].keyword);
    assert_string_equal(c->args[0].text, "1");
    assert_string_equal(c->args[1].keyword, "countdown");
    assert_string_equal(c->args[1].text, "5");
    assert_pos(c->span, 1, 0, 1, 32);
    assert_pos(c->callee_span, 1, 0, 1, 16);
    assert_pos(c->args_span, 1, 16, 1, 32);
    assert_int_equal(ref(f, "get_task")->flags, SVC_REF_CALLED);
    assert_int_equal(count_refs(f, "delay"), 0);

    c = call_attr(f, "apply_async");
    assert_int_equal(c->ref, -1);
    assert_string_equal(c->callee_text, "tasks[0].apply_async");
    assert_int_equal(ref(f, "tasks")->flags, 0);

    /* a chain callee: the call points at its ref */
    c = &f->calls[3];
    assert_string_equal(c->attr, "delay");
    assert_true(c->ref >= 0);
    const svc_ref *r = &f->refs[c->ref];
    assert_string_equal(r->raw, "send_email.delay");
    assert_string_equal(r->resolved, "services.tasks.email_tasks.send_email.delay");
    assert_int_equal(r->flags, SVC_REF_CALLED);
    assert_int_equal(c->nargs, 3);
    assert_string_equal(c->args[0].chain, "user.id");
    assert_string_equal(c->args[1].keyword, "*");
    assert_string_equal(c->args[1].text, "rest");
    assert_string_equal(c->args[2].keyword, "**");
    assert_string_equal(c->args[2].text, "options");
    assert_span_text(src, c->args[2].span, "**options");
    assert_int_equal(ref(f, "user.id")->flags, SVC_REF_ARGUMENT);
    assert_int_equal(ref(f, "rest")->flags, SVC_REF_ARGUMENT);

    /* f().x: f is a ref, x is not */
    assert_int_equal(ref(f, "f")->flags, SVC_REF_CALLED);
    assert_int_equal(count_refs(f, "x"), 0);
    assert_int_equal(count_refs(f, "f.x"), 0);

    /* calls in source order; the outer call of obj.method(1)(2) comes first */
    assert_string_equal(f->calls[f->ncalls - 2].callee_text, "obj.method(1)");
    assert_null(f->calls[f->ncalls - 2].attr);
    assert_string_equal(f->calls[f->ncalls - 1].callee_text, "obj.method");
    for (size_t i = 1; i < f->ncalls; i++) assert_true(f->calls[i - 1].span.byte <= f->calls[i].span.byte);
    for (size_t i = 1; i < f->nrefs; i++) assert_true(f->refs[i - 1].span.byte <= f->refs[i].span.byte);
    svc_facts_free(f);

    /* callee text is cut at 200 bytes */
    f = extract(long_callee);
    assert_int_equal(f->ncalls, 1);
    assert_int_equal(strlen(f->calls[0].callee_text), 200);
    assert_int_equal(strlen(f->calls[0].attr), 300);
    svc_facts_free(f);
}

static void test_ref_flags(void **state)
{
    (void)state;
    svc_facts *f = extract("from services import billing\n"
                           "from services.billing import errors\n"
                           "def pay(invoice, exc):\n"
                           "    try:\n"
                           "        invoice.pay()\n"
                           "    except (billing.PaymentError, errors.Declined) as e:\n"
                           "        raise errors.PaymentError(\"no\") from e\n"
                           "    except billing.Timeout:\n"
                           "        raise billing.Retry\n"
                           "    if isinstance(exc, (billing.PaymentError, ValueError)):\n"
                           "        pass\n"
                           "    if issubclass(type(exc), errors.Declined):\n"
                           "        pass\n"
                           "    transaction.on_commit(billing.delay_charge)\n"
                           "    on_commit(callback=billing.delay_refund)\n"
                           "    invoice.total = 1\n"
                           "    invoice.lines[0].amount = 2\n"
                           "    total = 3\n");
    assert_int_equal(ref_n(f, "billing.PaymentError", 0)->flags, SVC_REF_EXCEPT);
    assert_string_equal(ref_n(f, "billing.PaymentError", 0)->resolved, "services.billing.PaymentError");
    assert_int_equal(ref_n(f, "errors.Declined", 0)->flags, SVC_REF_EXCEPT);
    assert_int_equal(ref(f, "errors.PaymentError")->flags, SVC_REF_RAISE | SVC_REF_CALLED);
    assert_string_equal(ref(f, "errors.PaymentError")->resolved, "services.billing.errors.PaymentError");
    assert_int_equal(ref(f, "e")->flags, 0); /* the cause */
    assert_int_equal(ref(f, "billing.Timeout")->flags, SVC_REF_EXCEPT);
    assert_int_equal(ref(f, "billing.Retry")->flags, SVC_REF_RAISE);
    assert_int_equal(ref_n(f, "billing.PaymentError", 1)->flags, SVC_REF_ISINSTANCE);
    assert_int_equal(ref(f, "ValueError")->flags, SVC_REF_ISINSTANCE);
    assert_int_equal(ref_n(f, "exc", 0)->flags, SVC_REF_ARGUMENT);
    assert_int_equal(ref_n(f, "errors.Declined", 1)->flags, SVC_REF_ISINSTANCE | SVC_REF_ARGUMENT);
    assert_int_equal(ref(f, "billing.delay_charge")->flags, SVC_REF_ARGUMENT);
    assert_int_equal(ref(f, "billing.delay_refund")->flags, SVC_REF_ARGUMENT);
    assert_int_equal(ref(f, "invoice.total")->flags, SVC_REF_STORE);
    assert_int_equal(ref(f, "invoice.total")->binding, SVC_BIND_LOCAL);
    assert_int_equal(ref(f, "invoice.lines")->flags, 0);
    assert_int_equal(count_refs(f, "total"), 0); /* plain-name targets are not refs */
    assert_int_equal(count_refs(f, "amount"), 0);
    svc_facts_free(f);
}

static void test_nothing_from_strings_and_names(void **state)
{
    (void)state;
    svc_facts *f = extract("\"\"\"services.billing.charge is mentioned here.\"\"\"\n"
                           "import services.billing\n"
                           "# services.billing.refund()\n"
                           "def charge(amount, *, currency='EUR'):\n"
                           "    '''services.billing.x()'''\n"
                           "    return 'services.billing.y'\n"
                           "class Invoice:\n"
                           "    pass\n"
                           "call(key=value, other=f\"{services.billing.z}\")\n");
    for (size_t i = 0; i < f->nrefs; i++) {
        const char *raw = f->refs[i].raw;
        assert_true(strcmp(raw, "call") == 0 || strcmp(raw, "value") == 0 ||
                    strcmp(raw, "services.billing.z") == 0);
    }
    /* f-string replacement fields are code */
    assert_string_equal(ref(f, "services.billing.z")->resolved, "services.billing.z");
    assert_int_equal(count_refs(f, "key"), 0);
    svc_facts_free(f);
}

/* ---- module-level assignments ---------------------------------------------------- */

static void test_assigns_and_all(void **state)
{
    (void)state;
    svc_facts *f = extract("from .errors import PaymentError as _PaymentError\n"
                           "from services.billing import errors\n"
                           "__all__ = ['charge', \"refund\"]\n"
                           "__all__ += ('PaymentError',)\n"
                           "__all__.append('Declined')\n"
                           "__all__.extend(['Timeout', name])\n"
                           "PaymentError = _PaymentError\n"
                           "Declined = errors.Declined\n"
                           "a = b = errors.Timeout\n"
                           "x, y = errors.X, 3\n"
                           "LOCAL_APPS = ['orders', 'shop.apps.ShopConfig']\n"
                           "INSTALLED_APPS = ['django.contrib.admin'] + LOCAL_APPS\n"
                           "INSTALLED_APPS += ['debug_toolbar']\n"
                           "COUNT: int = 3\n"
                           "def f():\n"
                           "    inner = 1\n"
                           "class C:\n"
                           "    attr = 2\n");
    assert_true(f->has_all);
    assert_int_equal(f->nall, 5);
    const char *want[] = { "charge", "refund", "PaymentError", "Declined", "Timeout" };
    for (size_t i = 0; i < 5; i++) assert_string_equal(f->all[i], want[i]);

    const svc_assign *a = assign_named(f, "PaymentError", 0);
    assert_string_equal(a->value_chain, "services.billing.errors.PaymentError");
    assert_pos(a->span, 6, 0, 6, 12);
    assert_string_equal(assign_named(f, "Declined", 0)->value_chain, "services.billing.errors.Declined");
    assert_string_equal(assign_named(f, "a", 0)->value_chain, "services.billing.errors.Timeout");
    assert_string_equal(assign_named(f, "b", 0)->value_chain, "services.billing.errors.Timeout");
    assert_string_equal(assign_named(f, "x", 0)->value_chain, "services.billing.errors.X");
    assert_null(assign_named(f, "y", 0)->value_chain);

    a = assign_named(f, "LOCAL_APPS", 0);
    assert_int_equal(a->nstrings, 2);
    assert_string_equal(a->strings[1], "shop.apps.ShopConfig");
    a = assign_named(f, "INSTALLED_APPS", 0);
    assert_int_equal(a->nstrings, 1);
    assert_string_equal(a->strings[0], "django.contrib.admin");
    a = assign_named(f, "INSTALLED_APPS", 1); /* `+=` is another assignment */
    assert_int_equal(a->nstrings, 1);
    assert_string_equal(a->strings[0], "debug_toolbar");
    assert_null(a->value_chain);
    a = assign_named(f, "__all__", 0);
    assert_int_equal(a->nstrings, 2);
    assert_null(assign_named(f, "COUNT", 0)->value_chain);

    for (size_t i = 0; i < f->nassigns; i++) {
        assert_string_not_equal(f->assigns[i].name, "inner");
        assert_string_not_equal(f->assigns[i].name, "attr");
    }
    /* module-level assignments are module bindings */
    svc_facts_free(f);

    /* a settings class: lists its body assigns to *APPS names, or a method so named returns */
    f = extract("class Base(Configuration):\n"
                "    INSTALLED_APPS = ['orders'] + THIRD_PARTY\n"
                "    INSTALLED_APPS += ('billing',)\n"
                "    DEBUG_TOOLS = ['not_apps']\n"
                "class Dev(Base):\n"
                "    @property\n"
                "    def INSTALLED_APPS(self):\n"
                "        return super().INSTALLED_APPS + ['debug_toolbar']\n"
                "    def helper(self):\n"
                "        return ['not_apps']\n"
                "def LOCAL_APPS():\n"
                "    return ['not_a_class']\n");
    assert_int_equal(f->nclass_apps, 3);
    assert_string_equal(f->class_apps[0], "orders");
    assert_string_equal(f->class_apps[1], "billing");
    assert_string_equal(f->class_apps[2], "debug_toolbar");
    for (size_t i = 0; i < f->nassigns; i++) assert_string_not_equal(f->assigns[i].name, "INSTALLED_APPS");
    svc_facts_free(f);

    f = extract("__all__ = ['a']\n__all__ = __all__ + ['b']\n");
    assert_true(f->has_all);
    assert_int_equal(f->nall, 2);
    assert_string_equal(f->all[1], "b");
    svc_facts_free(f);

    f = extract("x = 1\n");
    assert_false(f->has_all);
    assert_int_equal(f->nall, 0);
    svc_facts_free(f);
}

/* ---- noqa --------------------------------------------------------------------------- */

static void test_noqa(void **state)
{
    (void)state;
    svc_facts *f = extract("import a  # noqa\n"
                           "import b  # noqa: SVC201\n"
                           "import c  # noqa:SVC201,E501\n"
                           "import d  # NOQA: svc2\n"
                           "# noqa is mentioned in this sentence\n"
                           "import e  # noqa # and why\n"
                           "x = '# noqa'\n"
                           "import f  # type: ignore  # noqa: F401 unused here\n"
                           "import g  # noqa-ish\n"
                           "import h  #noqa\n");
    assert_int_equal(f->nnoqa, 7);
    const svc_noqa *q = svc_facts_noqa_at(f, 0);
    assert_non_null(q);
    assert_true(q->all);
    assert_int_equal(q->ncodes, 0);

    q = svc_facts_noqa_at(f, 1);
    assert_false(q->all);
    assert_int_equal(q->ncodes, 1);
    assert_string_equal(q->codes[0], "SVC201");

    /* the directive: from its '#' to the end of its last code (SVC900's fix edits only that) */
    assert_int_equal(q->span.row, 1);
    assert_int_equal(q->span.col, 10);
    assert_int_equal(q->span.end_col, 24);
    assert_int_equal(svc_facts_noqa_at(f, 0)->span.end_col, 16); /* bare: to the end of `noqa` */

    q = svc_facts_noqa_at(f, 2);
    assert_int_equal(q->span.col, 10);
    assert_int_equal(q->span.end_col, 28);
    assert_int_equal(q->ncodes, 2);
    assert_string_equal(q->codes[0], "SVC201");
    assert_string_equal(q->codes[1], "E501");

    q = svc_facts_noqa_at(f, 3);
    assert_int_equal(q->ncodes, 1);
    assert_string_equal(q->codes[0], "SVC2");

    assert_null(svc_facts_noqa_at(f, 4)); /* prose */
    assert_true(svc_facts_noqa_at(f, 5)->all);
    assert_null(svc_facts_noqa_at(f, 6)); /* inside a string */
    q = svc_facts_noqa_at(f, 7);
    assert_int_equal(q->span.col, 26); /* the noqa directive, not the comment before it */
    assert_int_equal(q->span.end_col, 38);
    assert_false(q->all);
    assert_int_equal(q->ncodes, 1);
    assert_string_equal(q->codes[0], "F401");
    assert_null(svc_facts_noqa_at(f, 8));
    assert_true(svc_facts_noqa_at(f, 9)->all);
    assert_null(svc_facts_noqa_at(f, 100));
    for (size_t i = 1; i < f->nnoqa; i++) assert_true(f->noqa[i - 1].row < f->noqa[i].row);
    svc_facts_free(f);
}

/* ---- robustness ---------------------------------------------------------------------- */

static void test_syntax_errors(void **state)
{
    (void)state;
    svc_facts *f = extract("from services.billing import charge\n"
                           "def broken(:\n"
                           "    pass\n"
                           "y = = 1\n"
                           "if x\n"
                           "    pass\n"
                           "def fine(invoice):\n"
                           "    return charge(invoice)\n"
                           "class Ok(Exception):\n"
                           "    pass\n");
    assert_int_equal(f->nerrors, 3);
    assert_pos(f->errors[0], 1, 11, 1, 11); /* the missing ')' */
    assert_pos(f->errors[1], 3, 4, 3, 5);
    assert_int_equal(f->errors[2].row, 4);
    assert_int_equal(import_bound(f, "charge")->scope, -1);
    assert_int_equal(def(f, "broken")->body_statements, 1);
    const svc_def *d = def(f, "fine");
    assert_int_equal(d->name_span.row, 6);
    assert_int_equal(d->nparams, 1);
    const svc_ref *r = ref(f, "charge");
    assert_int_equal(r->binding, SVC_BIND_IMPORT);
    assert_int_equal(r->span.row, 7);
    assert_int_equal(r->scope, def_index(f, "fine"));
    assert_string_equal(def(f, "Ok")->bases[0], "Exception");
    assert_int_equal(count_refs(f, "x"), 0); /* fragments of the broken `if` are not references */
    svc_facts_free(f);

    /* garbage only: never fails */
    f = extract(")))(((:::\n\t\t  @@@ def class import\n");
    assert_true(f->nerrors >= 1);
    svc_facts_free(f);
}

static void test_crlf(void **state)
{
    (void)state;
    const char *lf = "import os\nclass A:\n    def m(self):\n        return os.path.join('a', 'b')  # noqa: SVC202\n";
    const char *crlf =
        "import os\r\nclass A:\r\n    def m(self):\r\n        return os.path.join('a', 'b')  # noqa: SVC202\r\n";
    svc_facts *a = extract(lf);
    svc_facts *b = extract(crlf);
    assert_false(a->crlf);
    assert_true(b->crlf);
    assert_int_equal(a->lines, 4);
    assert_int_equal(b->lines, 4);
    assert_int_equal(a->nerrors, 0);
    assert_int_equal(b->nerrors, 0);
    const svc_ref *ra = ref(a, "os.path.join"), *rb = ref(b, "os.path.join");
    assert_pos(rb->span, ra->span.row, ra->span.col, ra->span.end_row, ra->span.end_col);
    assert_pos(rb->span, 3, 15, 3, 27);
    assert_span_text(crlf, rb->span, "os.path.join");
    const svc_def *da = def(a, "A.m"), *db = def(b, "A.m");
    assert_pos(db->span, da->span.row, da->span.col, da->span.end_row, da->span.end_col);
    assert_int_equal(db->span.row, 2);
    assert_int_equal(db->span.col, 4);
    assert_int_equal(db->span.byte, da->span.byte + 2); /* two \r before it */
    assert_int_equal(b->nnoqa, 1);
    assert_int_equal(b->noqa[0].ncodes, 1);
    assert_string_equal(b->noqa[0].codes[0], "SVC202");
    svc_facts_free(a);
    svc_facts_free(b);
}

static void test_bom(void **state)
{
    (void)state;
    const char *src = "\xEF\xBB\xBFimport os\nfrom services import billing\nbilling.charge()\n";
    svc_facts *f = extract(src);
    assert_true(f->has_bom);
    assert_int_equal(f->nerrors, 0);
    assert_int_equal(f->lines, 3);
    const svc_import *i = import_bound(f, "os");
    assert_int_equal(i->span.byte, 10);
    assert_span_text(src, i->span, "os");
    assert_pos(i->span, 0, 7, 0, 9); /* the BOM is not a column */
    assert_span_text(src, i->stmt_span, "import os");
    const svc_ref *r = ref(f, "billing.charge");
    assert_span_text(src, r->span, "billing.charge");
    assert_pos(r->span, 2, 0, 2, 14);
    assert_string_equal(r->resolved, "services.billing.charge");
    svc_facts_free(f);
}

static void test_non_utf8_and_wide_text(void **state)
{
    (void)state;
    /* é is two bytes and one column; \xff and a cut sequence count one column per byte */
    const char *src = "x = ('é', a.b)\n"
                      "y = ('\xff\xfe', c.d)\n"
                      "z = ('\xe2\x82', e.f)  # \xff noqa\n"
                      "\xff\xfe = 1\n"
                      "w = g.h\n";
    svc_facts *f = extract(src);
    assert_pos(ref(f, "a.b")->span, 0, 10, 0, 13);
    assert_span_text(src, ref(f, "a.b")->span, "a.b");
    assert_pos(ref(f, "c.d")->span, 1, 11, 1, 14);
    assert_pos(ref(f, "e.f")->span, 2, 11, 2, 14);
    assert_true(f->nerrors >= 1);
    assert_pos(ref(f, "g.h")->span, 4, 4, 4, 7);
    svc_facts_free(f);

    f = extract("\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\n\x80\x80\x80\n");
    assert_int_equal(f->lines, 2);
    svc_facts_free(f);
}

static void test_nul_bytes(void **state)
{
    (void)state;
    const char src[] = "import os\0\nos.path\n";
    svc_facts *f = svc_facts_extract("bin.py", "bin", false, src, sizeof src - 1);
    assert_true(f->binary);
    assert_int_equal(f->nimports, 0);
    assert_int_equal(f->nrefs, 0);
    assert_int_equal(f->ndefs, 0);
    svc_facts_free(f);

    /* a NUL far into a long file does not make it binary */
    size_t n = 9000;
    char *big = malloc(n + 32);
    memset(big, '\n', n);
    memcpy(big, "import os\n", 10);
    memcpy(big + n - 10, "x = '\0'\n", 8);
    f = svc_facts_extract("big.py", "big", false, big, n);
    assert_false(f->binary);
    assert_int_equal(f->nimports, 1);
    svc_facts_free(f);
    free(big);
}

static void test_empty_and_lines(void **state)
{
    (void)state;
    svc_facts *f = svc_facts_extract("e.py", NULL, false, NULL, 0);
    assert_int_equal(f->lines, 0);
    assert_int_equal(f->nrefs, 0);
    assert_false(f->binary);
    assert_int_equal(svc_facts_def_at(f, 0), -1);
    assert_null(svc_facts_noqa_at(f, 0));
    svc_facts_free(f);
    struct {
        const char *src;
        unsigned lines;
    } cases[] = { { "", 0 }, { "x", 1 }, { "x\n", 1 }, { "a\nb", 2 }, { "\n\n", 2 }, { "\xEF\xBB\xBF", 0 } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        f = extract(cases[i].src);
        assert_int_equal(f->lines, cases[i].lines);
        assert_string_equal(f->path, "services/billing/invoices.py");
        assert_string_equal(f->module, MODULE);
        svc_facts_free(f);
    }
    f = extract_as("services.billing", true, "");
    assert_true(f->is_package);
    svc_facts_free(f);
}

static char *repeat(const char *head, const char *open, size_t n, const char *middle, const char *close,
                    const char *tail)
{
    svc_buf b = { 0 };
    svc_buf_puts(&b, head);
    for (size_t i = 0; i < n; i++) svc_buf_puts(&b, open);
    svc_buf_puts(&b, middle);
    for (size_t i = 0; i < n; i++) svc_buf_puts(&b, close);
    svc_buf_puts(&b, tail);
    return svc_buf_detach(&b);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    enum { DEPTH = 5000 };
    char *src = repeat("x = ", "(", DEPTH, "services.billing.charge", ")", "\n");
    svc_facts *f = extract(src);
    assert_int_equal(f->nerrors, 0);
    assert_int_equal(count_refs(f, "services.billing.charge"), 1);
    svc_facts_free(f);
    free(src);

    src = repeat("x = ", "f(", DEPTH, "a.b", ")", "\ny = 1\n");
    f = extract(src);
    assert_int_equal(f->ncalls, DEPTH);
    assert_int_equal(count_refs(f, "f"), DEPTH);
    assert_string_equal(f->calls[DEPTH - 1].args[0].chain, "a.b");
    assert_int_equal(assign_named(f, "y", 0)->span.row, 1);
    svc_facts_free(f);
    free(src);

    src = repeat("x = ", "[", DEPTH, "", "]", "\n");
    f = extract(src);
    assert_int_equal(f->nassigns, 1);
    svc_facts_free(f);
    free(src);

    src = repeat("x = a", ".b", DEPTH, "", "", "\ny = f()");
    char *tmp = repeat(src, ".c", DEPTH, "", "", "\n");
    free(src);
    src = tmp;
    f = extract(src);
    assert_int_equal(f->nrefs, 2);
    assert_int_equal(strlen(f->refs[0].raw), 1 + 2 * DEPTH);
    assert_string_equal(f->refs[1].raw, "f");
    svc_facts_free(f);
    free(src);

    /* a deeply nested unbalanced expression still finishes */
    src = repeat("x = ", "{'k': [", DEPTH, "", "", "\n");
    f = extract(src);
    assert_true(f->nerrors >= 1);
    svc_facts_free(f);
    free(src);

    /* nested blocks, as deep as the grammar's indentation allows (255 columns) */
    svc_buf b = { 0 };
    for (int i = 0; i < 250; i++) svc_buf_printf(&b, "%*sdef f%d():\n", i, "", i);
    svc_buf_printf(&b, "%*sreturn g()\n", 250, "");
    f = extract(b.data);
    assert_int_equal(f->ndefs, 250);
    assert_int_equal(f->defs[249].parent, 248);
    assert_int_equal(f->calls[0].scope, 249);
    assert_int_equal(f->defs[249].indent, 249);
    svc_facts_free(f);
    svc_buf_free(&b);
}

/* Extraction is a pure function: several threads at once get the same facts. */
typedef struct thread_job {
    const char *src;
    size_t nrefs;
    const char *resolved;
} thread_job;

static void *extract_on_thread(void *arg)
{
    thread_job *job = arg;
    for (int i = 0; i < 20; i++) {
        svc_facts *f = extract(job->src);
        job->nrefs = f->nrefs;
        job->resolved = strcmp(f->refs[0].resolved, "services.billing.charge") == 0 ? "ok" : "wrong";
        svc_facts_free(f);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    const char *src = "from services import billing\nbilling.charge(1)\ndef f(x):\n    return x.y\n";
    thread_job jobs[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (thread_job){ src, 0, NULL };
        assert_int_equal(pthread_create(&threads[i], NULL, extract_on_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(jobs[i].nrefs, 2);
        assert_string_equal(jobs[i].resolved, "ok");
    }
    assert_non_null(svc_python_language());
}

/* ---- the tree-sitter allocator (src/core/ts_arena.c) ----------------------------- */

/* A source whose parse makes a few megabytes of tree-sitter objects. */
static char *big_source(void)
{
    svc_buf b = { 0 };
    for (int i = 0; i < 1500; i++) {
        char line[200];
        int n = snprintf(line, sizeof line, "def f%d(a, b=[1, 2]):\n    return services.billing.charge(a, b) + g%d(*a)\n", i, i);
        svc_buf_append(&b, line, (size_t)n);
    }
    svc_buf_append(&b, "", 1);
    return b.data;
}

/* The tree's s-expression compared with a fresh parse's, then the tree deleted. */
static void check_and_delete(TSTree *tree, const char *src)
{
    TSParser *parser = svc_parser_new(svc_python_language());
    TSTree *fresh = ts_parser_parse_string(parser, NULL, src, (uint32_t)strlen(src));
    char *want = ts_node_string(ts_tree_root_node(fresh));
    char *got = ts_node_string(ts_tree_root_node(tree));
    assert_string_equal(got, want);
    free(got);
    free(want);
    ts_tree_delete(fresh);
    ts_tree_delete(tree);
    ts_parser_delete(parser);
}

/* One-way signals between two threads. */
typedef struct gate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int step;
} gate;

static void gate_pass(gate *g, int step)
{
    pthread_mutex_lock(&g->lock);
    g->step = step;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

static void gate_wait(gate *g, int step)
{
    pthread_mutex_lock(&g->lock);
    while (g->step < step) pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

/* A tree of src from a parser of ts_parser_new, as extraction makes them. */
static TSTree *parse_as_extraction_does(const char *src)
{
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, svc_python_language());
    TSTree *tree = ts_parser_parse_string(parser, NULL, src, (uint32_t)strlen(src));
    ts_parser_delete(parser);
    return tree;
}

typedef struct arena_job {
    gate gate;
    char *src;    /* big_source() */
    TSTree *tree; /* made by the extracting thread, for the outliving test */
} arena_job;

/* Runs fn(job) on a thread of its own. */
static void arena_job_start(arena_job *job, pthread_t *thread, void *(*fn)(void *))
{
    pthread_mutex_init(&job->gate.lock, NULL);
    pthread_cond_init(&job->gate.cond, NULL);
    job->gate.step = 0;
    job->src = big_source();
    job->tree = NULL;
    assert_int_equal(pthread_create(thread, NULL, fn, job), 0);
}

static void arena_job_free(arena_job *job)
{
    pthread_mutex_destroy(&job->gate.lock);
    pthread_cond_destroy(&job->gate.cond);
    free(job->src);
}

/* Holds an extraction's arena open, with a parse in it, until the other thread has parsed
 * (step 1: inside, step 2: the other one parsed); then ends it, frees the arena and extracts
 * a few files for real. */
static void *extract_around_a_parse(void *arg)
{
    arena_job *job = arg;
    svc_ts_arena_begin();
    TSTree *tree = parse_as_extraction_does(job->src);
    gate_pass(&job->gate, 1);
    gate_wait(&job->gate, 2);
    ts_tree_delete(tree);
    svc_ts_arena_end();
    svc_facts_release_thread_memory();
    for (int i = 0; i < 3; i++) svc_facts_free(svc_facts_extract("x.py", "x", false, job->src, strlen(job->src)));
    svc_facts_release_thread_memory();
    return NULL;
}

/* A parser made outside an extraction (the explorer's highlighter, the fixers) gets heap memory
 * even while another thread extracts: its tree stays valid once that arena is gone. */
static void test_parse_beside_an_extraction(void **state)
{
    (void)state;
    arena_job job;
    pthread_t thread;
    arena_job_start(&job, &thread, extract_around_a_parse);
    gate_wait(&job.gate, 1);
    TSParser *parser = svc_parser_new(svc_python_language());
    TSTree *tree = ts_parser_parse_string(parser, NULL, job.src, (uint32_t)strlen(job.src));
    assert_non_null(tree);
    gate_pass(&job.gate, 2);
    pthread_join(thread, NULL);
    ts_parser_delete(parser);
    check_and_delete(tree, job.src);
    assert_int_equal(svc_ts_arena_retired(), 0);
    arena_job_free(&job);
}

static void *parse_in_an_extraction(void *arg)
{
    arena_job *job = arg;
    svc_ts_arena_begin();
    job->tree = parse_as_extraction_does(job->src);
    svc_ts_arena_end();
    svc_facts_release_thread_memory();
    return NULL;
}

/* A tree made during an extraction that outlives it keeps its arena alive, whichever thread
 * then edits, reparses or frees it; the arena goes with the last of its memory. */
static void test_tree_outliving_its_extraction(void **state)
{
    (void)state;
    arena_job job;
    pthread_t thread;
    arena_job_start(&job, &thread, parse_in_an_extraction);
    pthread_join(thread, NULL);
    const char *src = job.src;
    assert_non_null(job.tree);
    assert_int_equal(svc_ts_arena_retired(), 1);

    /* an edit and an incremental parse here share, copy and free the old tree's nodes */
    size_t len = strlen(src);
    char *edited = malloc(len + 2);
    memcpy(edited, src, len + 1);
    edited[4] = 'g'; /* def f0 -> def g0: same length */
    TSInputEdit edit = { 4, 5, 5, { 0, 4 }, { 0, 5 }, { 0, 5 } };
    ts_tree_edit(job.tree, &edit);
    TSParser *parser = svc_parser_new(svc_python_language());
    TSTree *again = ts_parser_parse_string(parser, job.tree, edited, (uint32_t)len);
    ts_parser_delete(parser);
    assert_non_null(again);
    check_and_delete(job.tree, src);
    check_and_delete(again, edited);
    assert_int_equal(svc_ts_arena_retired(), 0);

    /* ordinary extractions retire nothing */
    for (int i = 0; i < 3; i++) svc_facts_free(svc_facts_extract("x.py", "x", false, src, len));
    assert_int_equal(svc_ts_arena_retired(), 0);
    svc_facts_release_thread_memory();
    free(edited);
    arena_job_free(&job);
}

static void test_match_and_misc_statements(void **state)
{
    (void)state;
    svc_facts *f = extract("from services.billing import Status, Invoice\n"
                           "def f(value):\n"
                           "    match value:\n"
                           "        case Invoice(total=t) as inv:\n"
                           "            return t, inv\n"
                           "        case Status.PAID | None:\n"
                           "            return 1\n"
                           "    del value.cache\n"
                           "    assert isinstance(value, Invoice), 'no'\n"
                           "    for n in range(3):\n"
                           "        yield n\n"
                           "type Amount = Decimal\n");
    assert_int_equal(ref(f, "Invoice")->binding, SVC_BIND_IMPORT);
    assert_string_equal(ref(f, "Status.PAID")->resolved, "services.billing.Status.PAID");
    assert_int_equal(ref(f, "t")->binding, SVC_BIND_LOCAL);
    assert_int_equal(ref(f, "inv")->binding, SVC_BIND_LOCAL);
    assert_int_equal(ref_n(f, "Invoice", 1)->flags, SVC_REF_ISINSTANCE | SVC_REF_ARGUMENT);
    assert_int_equal(ref(f, "n")->binding, SVC_BIND_LOCAL);
    assert_true(def(f, "f")->has_loop);
    assert_int_equal(count_refs(f, "Amount"), 0); /* bound by the type alias, not read */
    assert_int_equal(ref(f, "Decimal")->binding, SVC_BIND_UNKNOWN);
    svc_facts_free(f);
}

/* A module-level assignment whose value is a call is linked to that call (task decorators bound
 * by assignment, tasks made by a call); other values are not. */
static void test_assignment_value_call(void **state)
{
    (void)state;
    svc_facts *f = extract("from celery import shared_task\n"
                           "retrying = shared_task(bind=True, max_retries=3)\n"
                           "def purge():\n    pass\n"
                           "purge_task = shared_task(purge)\n"
                           "outer = wrap(inner(1))\n"
                           "plain = shared_task\n");
    assert_int_equal(f->nassigns, 4);
    const svc_call *c = &f->calls[f->assigns[0].value_call];
    assert_string_equal(c->callee_text, "shared_task");
    assert_int_equal(c->nargs, 2);
    c = &f->calls[f->assigns[1].value_call];
    assert_string_equal(c->args[0].chain, MODULE ".purge");
    c = &f->calls[f->assigns[2].value_call];
    assert_string_equal(c->callee_text, "wrap"); /* the outermost call */
    assert_int_equal(f->assigns[3].value_call, -1);
    svc_facts_free(f);
}

/* PEP 758 (Python 3.14): `except A, B:` lists two types; the grammar's Python 2 reading (B a
 * target) is not taken. `except A as e:` still binds e. */
/* What a class body says of Django: an AppConfig's literal `name`, a `class Meta` with
 * `abstract = True`. Other values, and the same words elsewhere, are not read. */
static void test_class_name_and_abstract_meta(void **state)
{
    (void)state;
    const char *src =
        "class CoreConfig(AppConfig):\n"
        "    name = 'proj.' 'core'\n"
        "    label = 'x'\n"
        "class Dynamic(AppConfig):\n"
        "    name = __name__\n"
        "class Stamped(models.Model):\n"
        "    class Meta:\n"
        "        ordering = ['id']\n"
        "        abstract = True\n"
        "class Order(Stamped):\n"
        "    class Meta(Stamped.Meta):\n"
        "        abstract = False\n"
        "    def f(self):\n"
        "        name = 'local'\n"
        "name = 'module'\n";
    svc_facts *f = extract(src);
    assert_string_equal(def(f, "CoreConfig")->name_value, "proj.core");
    assert_false(def(f, "CoreConfig")->meta_abstract);
    assert_null(def(f, "Dynamic")->name_value);
    assert_true(def(f, "Stamped")->meta_abstract);
    assert_null(def(f, "Stamped")->name_value);
    assert_false(def(f, "Order")->meta_abstract);
    assert_null(def(f, "Order.f")->name_value);
    svc_facts_free(f);
}

static void test_except_without_parentheses(void **state)
{
    (void)state;
    svc_facts *f = extract("from services import billing\n"
                           "try:\n    pass\n"
                           "except billing.PaymentError, billing.RefundError:\n    pass\n"
                           "except ValueError as e:\n    pass\n");
    assert_int_equal(ref_n(f, "billing.PaymentError", 0)->flags & SVC_REF_EXCEPT, SVC_REF_EXCEPT);
    const svc_ref *second = ref_n(f, "billing.RefundError", 0);
    assert_int_equal(second->flags & SVC_REF_EXCEPT, SVC_REF_EXCEPT);
    assert_int_equal(second->flags & SVC_REF_STORE, 0);
    assert_int_equal(f->nerrors, 0);
    svc_facts_free(f);
}

/* PEP 758 with three names or more, which the grammar cannot parse: every name is an except
 * type, the file has no error, and what follows (a keyword argument before, say) still reads. */
static void test_except_three_names_without_parentheses(void **state)
{
    (void)state;
    svc_facts *f = extract("from services import billing\n"
                           "def first():\n    embed(batch, task=\"query\")\n"
                           "def second():\n"
                           "    try:\n        pass\n"
                           "    except KeyError, billing.RefundError, ValueError:\n        pass\n"
                           "    except (TypeError, OSError):  # parenthesized: left alone\n        pass\n"
                           "    billing.charge(total=1)\n");
    assert_int_equal(f->nerrors, 0);
    assert_int_equal(ref(f, "KeyError")->flags & SVC_REF_EXCEPT, SVC_REF_EXCEPT);
    assert_int_equal(ref(f, "billing.RefundError")->flags & SVC_REF_EXCEPT, SVC_REF_EXCEPT);
    assert_int_equal(ref(f, "ValueError")->flags & SVC_REF_EXCEPT, SVC_REF_EXCEPT);
    assert_int_equal(ref(f, "OSError")->flags & SVC_REF_EXCEPT, SVC_REF_EXCEPT);
    assert_string_equal(ref(f, "billing.RefundError")->resolved, "services.billing.RefundError");
    assert_int_equal(ref(f, "billing.RefundError")->span.col, 21);
    assert_non_null(call_attr(f, "charge"));
    svc_facts_free(f);
}

/* What a wrapper's body is made of: one call, or `return` of one (docstring aside). */
static void test_body_is_call(void **state)
{
    (void)state;
    svc_facts *f = extract("def a(x):\n    \"\"\"Doc.\"\"\"\n    return t.delay(x)\n"
                           "def b(x):\n    t.delay(x)\n"
                           "def c(x):\n    log(x)\n    t.delay(x)\n"
                           "def d(x):\n    return t.delay(x).id\n");
    assert_true(def(f, "a")->body_is_call);
    assert_true(def(f, "b")->body_is_call);
    assert_false(def(f, "c")->body_is_call);
    assert_false(def(f, "d")->body_is_call);
    svc_facts_free(f);
}

/* A comment at column 0 between a decorator and its def (valid Python; tree-sitter-python reads
 * it as the end of the block) parses without error, decorators and all; the file's text is not
 * changed (a `#` line inside a string stays in the string). */
static void test_column0_comment_inside_a_block(void **state)
{
    (void)state;
    const char *src = "class Jobs:\n"
                      "    @staticmethod\n"
                      "# a comment at column 0\n"
                      "    def run():\n"
                      "        return \"\"\"\n"
                      "# not a comment\n"
                      "\"\"\"\n";
    svc_facts *f = extract(src);
    assert_int_equal(f->nerrors, 0);
    const svc_def *run = NULL;
    for (size_t i = 0; i < f->ndefs; i++)
        if (strcmp(f->defs[i].name, "run") == 0) run = &f->defs[i];
    assert_non_null(run);
    assert_string_equal(run->qualname, "Jobs.run");
    assert_int_equal(run->ndecorators, 1);
    svc_facts_free(f);
    /* a real error is still one */
    f = extract("def f(:\n    pass\n");
    assert_true(f->nerrors > 0);
    svc_facts_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_forms),
        cmocka_unit_test(test_column0_comment_inside_a_block),
        cmocka_unit_test(test_relative_imports_in_module),
        cmocka_unit_test(test_relative_imports_in_package),
        cmocka_unit_test(test_import_scopes),
        cmocka_unit_test(test_alias_and_chain_resolution),
        cmocka_unit_test(test_chain_whitespace_and_comments),
        cmocka_unit_test(test_shadowing),
        cmocka_unit_test(test_class_scope_and_comprehensions),
        cmocka_unit_test(test_decorators),
        cmocka_unit_test(test_defs_nested_and_params),
        cmocka_unit_test(test_class_bases),
        cmocka_unit_test(test_calls),
        cmocka_unit_test(test_ref_flags),
        cmocka_unit_test(test_nothing_from_strings_and_names),
        cmocka_unit_test(test_assigns_and_all),
        cmocka_unit_test(test_noqa),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_non_utf8_and_wide_text),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_empty_and_lines),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_match_and_misc_statements),
        cmocka_unit_test(test_assignment_value_call),
        cmocka_unit_test(test_except_without_parentheses),
        cmocka_unit_test(test_class_name_and_abstract_meta),
        cmocka_unit_test(test_except_three_names_without_parentheses),
        cmocka_unit_test(test_body_is_call),
        cmocka_unit_test(test_parse_beside_an_extraction),
        cmocka_unit_test(test_tree_outliving_its_extraction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Presenters: text, JSON, SARIF 2.1.0 and GitHub annotations of hand-made diagnostics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "testlib.h"
#include "svcscope/report.h"
#include "svcscope/util.h"

/* ---- building diagnostics by hand ---- */

static svc_diagnostic *add(svc_diagnostics *d, const char *code, const char *path, unsigned row, unsigned col,
                           unsigned end_row, unsigned end_col, const char *message)
{
    if (d->len == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = svc_xrealloc(d->items, d->cap * sizeof *d->items);
    }
    svc_diagnostic *x = &d->items[d->len++];
    memset(x, 0, sizeof *x);
    x->rule = svc_rule_by_code(code);
    assert_non_null(x->rule);
    x->severity = x->rule->severity;
    x->path = svc_arena_strdup(d->arena, path);
    x->file = 0;
    x->span.row = row;
    x->span.col = col;
    x->span.end_row = end_row;
    x->span.end_col = end_col;
    x->message = svc_arena_strdup(d->arena, message);
    return x;
}

static svc_diagnostic *add_folder(svc_diagnostics *d, const char *code, const char *path, const char *message)
{
    /* A non-zero span on purpose: folders are at 1:1 whatever the span says. */
    svc_diagnostic *x = add(d, code, path, 7, 3, 7, 9, message);
    x->is_folder = true;
    x->file = -1;
    return x;
}

/* A safe fix with one edit: replaces bytes [10, 20) of `path` (row 2, cols 5..15). */
static const svc_fix *make_fix(svc_diagnostics *d, const char *path)
{
    svc_edit *e = svc_arena_alloc(d->arena, sizeof *e);
    memset(e, 0, sizeof *e);
    e->path = svc_arena_strdup(d->arena, path);
    e->start = 10;
    e->end = 20;
    e->text = "google_calendar.get_credentials";
    e->span = (svc_span){ 1, 4, 1, 14, 10, 20 };
    svc_fix *f = svc_arena_alloc(d->arena, sizeof *f);
    memset(f, 0, sizeof *f);
    f->applicability = SVC_FIX_SAFE;
    f->message = "Import `google_calendar` and call `google_calendar.get_credentials`";
    f->edits = e;
    f->nedits = 1;
    return f;
}

/* Three findings: an error with a fix, a warning, and a folder (error) finding. */
static svc_diagnostics *sample(void)
{
    svc_diagnostics *d = svc_diagnostics_new();
    add_folder(d, "SVC101", "services/billing", "Service `billing` has no `__init__.py`");
    svc_diagnostic *x = add(d, "SVC201", "orders/views.py", 2, 0, 2, 64,
                            "`get_credentials` is imported from `services.integrations.google_calendar` (depth 4)");
    x->fix = make_fix(d, "orders/views.py");
    x->context = "orders.views.sync";
    add(d, "SVC406", "services/utils.py", 0, 0, 0, 0, "Module `utils.py` sits directly in the services root");
    return d;
}

static char *render(const svc_diagnostics *d, svc_format f, bool color)
{
    svc_report_options opts = { color, "9.9.9" };
    char *out = svc_report_render(NULL, d, f, &opts);
    assert_non_null(out);
    return out;
}

/* ---- formats, URLs ---- */

static void test_format_parse(void **state)
{
    (void)state;
    svc_format f = SVC_FORMAT_TEXT;
    assert_true(svc_format_parse("json", &f));
    assert_int_equal(f, SVC_FORMAT_JSON);
    assert_true(svc_format_parse("sarif", &f));
    assert_int_equal(f, SVC_FORMAT_SARIF);
    assert_true(svc_format_parse("GitHub", &f));
    assert_int_equal(f, SVC_FORMAT_GITHUB);
    assert_true(svc_format_parse("text", &f));
    assert_int_equal(f, SVC_FORMAT_TEXT);
    f = SVC_FORMAT_JSON;
    assert_false(svc_format_parse("xml", &f));
    assert_false(svc_format_parse("", &f));
    assert_int_equal(f, SVC_FORMAT_JSON);
}

static void test_rule_url(void **state)
{
    (void)state;
    const svc_rule *r = svc_rule_by_code("SVC201");
    const char *url = svc_rule_url(r);
#ifdef SVC_DOCS_URL
    char *want = svc_xasprintf("%s#svc201", SVC_DOCS_URL);
#else
    char *want = svc_xstrdup("https://github.com/svcscope/svcscope/blob/main/docs/rules.md#svc201");
#endif
    assert_string_equal(url, want);
    free(want);
    /* Stable storage: the pointer outlives other calls. */
    const char *other = svc_rule_url(svc_rule_by_code("SVC100"));
    assert_true(svc_str_ends_with(other, "#svc100"));
    assert_true(svc_str_ends_with(url, "#svc201"));
    assert_ptr_equal(url, svc_rule_url(r));
    /* A copy of a rule (not the catalogue's own entry) gets the same URL. */
    svc_rule copy = *svc_rule_by_code("SVC407");
    assert_string_equal(svc_rule_url(&copy), svc_rule_url(svc_rule_by_code("SVC407")));
    /* Every rule has one. */
    size_t n;
    const svc_rule *rules = svc_rules(&n);
    for (size_t i = 0; i < n; i++) assert_non_null(strchr(svc_rule_url(&rules[i]), '#'));
}

/* ---- text ---- */

static void test_text_plain(void **state)
{
    (void)state;
    svc_diagnostics *d = sample();
    char *out = render(d, SVC_FORMAT_TEXT, false);
    assert_string_equal(out,
                        "services/billing:1:1: SVC101 [service-not-package] Service `billing` has no `__init__.py`\n"
                        "orders/views.py:3:1: SVC201 [deep-service-import] `get_credentials` is imported from "
                        "`services.integrations.google_calendar` (depth 4)\n"
                        "services/utils.py:1:1: SVC406 [tasks-module-name] Module `utils.py` sits directly in "
                        "the services root\n"
                        "Found 3 violations (1 fixable).\n");
    assert_null(strchr(out, '\033'));
    free(out);
    svc_diagnostics_free(d);
}

static void test_text_summary_counts(void **state)
{
    (void)state;
    svc_diagnostics *d = svc_diagnostics_new();
    char *out = render(d, SVC_FORMAT_TEXT, false);
    assert_string_equal(out, "Found 0 violations (0 fixable).\n");
    free(out);

    svc_diagnostic *x = add(d, "SVC402", "orders/api.py", 9, 4, 9, 30, "`.delay()` is called outside the tasks service");
    x->fix = make_fix(d, "orders/api.py");
    out = render(d, SVC_FORMAT_TEXT, false);
    assert_string_equal(out,
                        "orders/api.py:10:5: SVC402 [delay-outside-tasks-service] `.delay()` is called outside the "
                        "tasks service\n"
                        "Found 1 violation (1 fixable).\n");
    free(out);
    svc_diagnostics_free(d);
}

static void test_text_no_trailing_spaces(void **state)
{
    (void)state;
    svc_diagnostics *d = svc_diagnostics_new();
    add(d, "SVC406", "services/tasks/cleanup.py", 0, 0, 0, 0, "");
    add(d, "SVC407", "services/tasks/a_tasks.py", 4, 0, 8, 0, "too much logic  \t");
    char *out = render(d, SVC_FORMAT_TEXT, false);
    assert_string_equal(out,
                        "services/tasks/cleanup.py:1:1: SVC406 [tasks-module-name]\n"
                        "services/tasks/a_tasks.py:5:1: SVC407 [logic-in-task] too much logic\n"
                        "Found 2 violations (0 fixable).\n");
    for (const char *p = out; (p = strchr(p, '\n')) != NULL; p++) assert_true(p == out || p[-1] != ' ');
    free(out);
    svc_diagnostics_free(d);
}

static void test_text_color(void **state)
{
    (void)state;
    svc_diagnostics *d = svc_diagnostics_new();
    add(d, "SVC201", "a.py", 0, 4, 0, 9, "deep");     /* error */
    add(d, "SVC406", "services/u.py", 0, 0, 0, 0, "flat"); /* warning */
    add(d, "SVC100", ".", 0, 0, 0, 0, "none");         /* info */
    char *out = render(d, SVC_FORMAT_TEXT, true);
    assert_string_equal(out,
                        "\033[1ma.py\033[0m\033[2m:1:5:\033[0m \033[1;31mSVC201\033[0m \033[2m[deep-service-import]\033[0m deep\n"
                        "\033[1mservices/u.py\033[0m\033[2m:1:1:\033[0m \033[1;33mSVC406\033[0m "
                        "\033[2m[tasks-module-name]\033[0m flat\n"
                        "\033[1m.\033[0m\033[2m:1:1:\033[0m \033[1;36mSVC100\033[0m \033[2m[no-services-root]\033[0m none\n"
                        "Found 3 violations (0 fixable).\n");
    free(out);
    out = render(d, SVC_FORMAT_TEXT, false);
    assert_null(strchr(out, '\033'));
    free(out);
    /* No options at all: no colour. */
    out = svc_report_render(NULL, d, SVC_FORMAT_TEXT, NULL);
    assert_null(strchr(out, '\033'));
    free(out);
    svc_diagnostics_free(d);
}

/* ---- JSON ---- */

static json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    if (!j) fail_msg("invalid JSON (%d:%d: %s):\n%s", jerr.line, jerr.column, jerr.text, text);
    return j;
}

static void assert_keys(json_t *o, const char *const *keys, size_t n)
{
    assert_true(json_is_object(o));
    assert_int_equal(json_object_size(o), n);
    size_t i = 0;
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it), i++)
        assert_string_equal(json_object_iter_key(it), keys[i]);
}

static void assert_pos(json_t *o, const char *key, long long row, long long col)
{
    json_t *p = json_object_get(o, key);
    static const char *const keys[] = { "row", "column" };
    assert_keys(p, keys, 2);
    assert_int_equal(json_integer_value(json_object_get(p, "row")), row);
    assert_int_equal(json_integer_value(json_object_get(p, "column")), col);
}

static const char *jget(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

static void test_json(void **state)
{
    (void)state;
    svc_diagnostics *d = sample();
    char *out = render(d, SVC_FORMAT_JSON, false);
    /* Pretty-printed with 2-space indent and a trailing newline. */
    assert_true(svc_str_starts_with(out, "[\n  {\n    \"code\": \"SVC101\","));
    assert_true(svc_str_ends_with(out, "}\n]\n"));
    json_t *root = parse(out);
    assert_true(json_is_array(root));
    assert_int_equal(json_array_size(root), 3);

    static const char *const keys[] = { "code", "name", "severity", "message", "filename",
                                        "location", "end_location", "fix", "url" };
    for (size_t i = 0; i < 3; i++) assert_keys(json_array_get(root, i), keys, 9);

    json_t *folder = json_array_get(root, 0);
    assert_string_equal(jget(folder, "code"), "SVC101");
    assert_string_equal(jget(folder, "name"), "service-not-package");
    assert_string_equal(jget(folder, "severity"), "error");
    assert_string_equal(jget(folder, "filename"), "services/billing");
    assert_pos(folder, "location", 1, 1);
    assert_pos(folder, "end_location", 1, 1);
    assert_true(json_is_null(json_object_get(folder, "fix")));
    assert_string_equal(jget(folder, "url"), svc_rule_url(svc_rule_by_code("SVC101")));

    json_t *imp = json_array_get(root, 1);
    assert_string_equal(jget(imp, "code"), "SVC201");
    assert_string_equal(jget(imp, "filename"), "orders/views.py");
    assert_string_equal(jget(imp, "message"),
                        "`get_credentials` is imported from `services.integrations.google_calendar` (depth 4)");
    assert_pos(imp, "location", 3, 1);
    assert_pos(imp, "end_location", 3, 65);
    json_t *fix = json_object_get(imp, "fix");
    static const char *const fix_keys[] = { "applicability", "message", "edits" };
    assert_keys(fix, fix_keys, 3);
    assert_string_equal(jget(fix, "applicability"), "safe");
    assert_string_equal(jget(fix, "message"), "Import `google_calendar` and call `google_calendar.get_credentials`");
    json_t *edits = json_object_get(fix, "edits");
    assert_int_equal(json_array_size(edits), 1);
    json_t *edit = json_array_get(edits, 0);
    static const char *const edit_keys[] = { "filename", "content", "location", "end_location" };
    assert_keys(edit, edit_keys, 4);
    assert_string_equal(jget(edit, "filename"), "orders/views.py");
    assert_string_equal(jget(edit, "content"), "google_calendar.get_credentials");
    assert_pos(edit, "location", 2, 5);
    assert_pos(edit, "end_location", 2, 15);

    json_t *warn = json_array_get(root, 2);
    assert_string_equal(jget(warn, "severity"), "warning");
    assert_pos(warn, "location", 1, 1);

    json_decref(root);
    free(out);
    svc_diagnostics_free(d);
}

static void test_json_empty_and_odd_bytes(void **state)
{
    (void)state;
    svc_diagnostics *d = svc_diagnostics_new();
    char *out = render(d, SVC_FORMAT_JSON, false);
    assert_string_equal(out, "[]\n");
    free(out);

    /* Invalid UTF-8 (a Latin-1 file name) still gives valid JSON; quotes and newlines are escaped. */
    add(d, "SVC203", "services/caf\xe9.py", 0, 0, 0, 4, "imports \"orders.views\"\nfrom an app");
    out = render(d, SVC_FORMAT_JSON, false);
    json_t *root = parse(out);
    json_t *o = json_array_get(root, 0);
    assert_string_equal(jget(o, "filename"), "services/caf\xef\xbf\xbd.py");
    assert_string_equal(jget(o, "message"), "imports \"orders.views\"\nfrom an app");
    assert_string_equal(jget(o, "severity"), "error");
    json_decref(root);
    free(out);
    svc_diagnostics_free(d);
}

static void test_json_fix_with_file_ops(void **state)
{
    (void)state;
    svc_diagnostics *d = svc_diagnostics_new();
    svc_diagnostic *x = add(d, "SVC103", "services/billing/test_invoices.py", 0, 0, 0, 0, "not in tests/");
    svc_file_op *op = svc_arena_alloc(d->arena, sizeof *op);
    memset(op, 0, sizeof *op);
    op->kind = SVC_FILE_MOVE;
    op->path = "services/billing/test_invoices.py";
    op->to = "services/billing/tests/test_invoices.py";
    svc_fix *f = svc_arena_alloc(d->arena, sizeof *f);
    memset(f, 0, sizeof *f);
    f->applicability = SVC_FIX_UNSAFE;
    f->message = "Move to `services/billing/tests/`";
    f->ops = op;
    f->nops = 1;
    x->fix = f;

    char *out = render(d, SVC_FORMAT_JSON, false);
    json_t *root = parse(out);
    json_t *fix = json_object_get(json_array_get(root, 0), "fix");
    static const char *const fix_keys[] = { "applicability", "message", "edits", "operations" };
    assert_keys(fix, fix_keys, 4);
    assert_string_equal(jget(fix, "applicability"), "unsafe");
    assert_int_equal(json_array_size(json_object_get(fix, "edits")), 0);
    json_t *jop = json_array_get(json_object_get(fix, "operations"), 0);
    assert_string_equal(jget(jop, "kind"), "move");
    assert_string_equal(jget(jop, "filename"), "services/billing/test_invoices.py");
    assert_string_equal(jget(jop, "to"), "services/billing/tests/test_invoices.py");
    json_decref(root);
    free(out);

    /* SARIF leaves out a fix it cannot express (a move). */
    out = render(d, SVC_FORMAT_SARIF, false);
    root = parse(out);
    json_t *result = json_array_get(json_object_get(json_array_get(json_object_get(root, "runs"), 0), "results"), 0);
    assert_null(json_object_get(result, "fixes"));
    json_decref(root);
    free(out);
    svc_diagnostics_free(d);
}

/* ---- SARIF ---- */

static json_t *req(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!v) fail_msg("SARIF: required property '%s' missing", key);
    return v;
}

static void test_sarif(void **state)
{
    (void)state;
    svc_diagnostics *d = sample();
    add(d, "SVC105", "services/billing/tests/my checks%.py", 3, 2, 3, 8, "not named test_*.py");
    char *out = render(d, SVC_FORMAT_SARIF, false);
    assert_true(svc_str_ends_with(out, "}\n"));
    json_t *root = parse(out);

    /* sarifLog: version and runs required; $schema as code scanning expects. */
    assert_string_equal(json_string_value(req(root, "$schema")), "https://json.schemastore.org/sarif-2.1.0.json");
    assert_string_equal(json_string_value(req(root, "version")), "2.1.0");
    json_t *runs = req(root, "runs");
    assert_int_equal(json_array_size(runs), 1);
    json_t *run = json_array_get(runs, 0);

    /* run.tool.driver.name required; rules = the whole catalogue. */
    json_t *driver = req(req(run, "tool"), "driver");
    assert_string_equal(json_string_value(req(driver, "name")), "svcscope");
    assert_string_equal(json_string_value(req(driver, "version")), "9.9.9");
    assert_true(svc_str_starts_with(json_string_value(req(driver, "informationUri")), "https://"));
    json_t *rules = req(driver, "rules");
    size_t nrules;
    const svc_rule *catalogue = svc_rules(&nrules);
    assert_int_equal(json_array_size(rules), nrules);
    for (size_t i = 0; i < nrules; i++) {
        json_t *r = json_array_get(rules, i);
        assert_string_equal(json_string_value(req(r, "id")), catalogue[i].code);
        assert_string_equal(json_string_value(req(r, "name")), catalogue[i].name);
        assert_string_equal(json_string_value(req(req(r, "shortDescription"), "text")), catalogue[i].summary);
        assert_string_equal(json_string_value(req(req(r, "fullDescription"), "text")), catalogue[i].why);
        assert_string_equal(json_string_value(req(r, "helpUri")), svc_rule_url(&catalogue[i]));
        const char *level = json_string_value(req(req(r, "defaultConfiguration"), "level"));
        const char *want = catalogue[i].severity == SVC_SEVERITY_ERROR     ? "error"
                           : catalogue[i].severity == SVC_SEVERITY_WARNING ? "warning"
                                                                           : "note";
        assert_string_equal(level, want);
    }

    /* results: message.text required; ruleId/ruleIndex agree; levels map. */
    json_t *results = req(run, "results");
    assert_int_equal(json_array_size(results), 4);
    static const char *const levels[] = { "error", "error", "warning", "note" };
    for (size_t i = 0; i < 4; i++) {
        json_t *res = json_array_get(results, i);
        assert_non_null(json_string_value(req(req(res, "message"), "text")));
        const char *id = json_string_value(req(res, "ruleId"));
        json_int_t index = json_integer_value(req(res, "ruleIndex"));
        assert_true(index >= 0 && (size_t)index < nrules);
        assert_string_equal(json_string_value(json_object_get(json_array_get(rules, (size_t)index), "id")), id);
        assert_string_equal(json_string_value(req(res, "level")), levels[i]);
        json_t *locs = req(res, "locations");
        assert_int_equal(json_array_size(locs), 1);
        json_t *phys = req(json_array_get(locs, 0), "physicalLocation");
        json_t *art = req(phys, "artifactLocation");
        assert_string_equal(json_string_value(req(art, "uriBaseId")), "%SRCROOT%");
        req(art, "uri");
        json_t *region = req(phys, "region");
        assert_true(json_integer_value(req(region, "startLine")) >= 1);
        assert_true(json_integer_value(req(region, "startColumn")) >= 1);
        req(region, "endLine");
        req(region, "endColumn");
    }

    /* Folder: 1:1. */
    json_t *phys = json_object_get(json_array_get(json_object_get(json_array_get(results, 0), "locations"), 0),
                                   "physicalLocation");
    assert_string_equal(json_string_value(json_object_get(json_object_get(phys, "artifactLocation"), "uri")),
                        "services/billing");
    json_t *region = json_object_get(phys, "region");
    assert_int_equal(json_integer_value(json_object_get(region, "startLine")), 1);
    assert_int_equal(json_integer_value(json_object_get(region, "startColumn")), 1);
    assert_int_equal(json_integer_value(json_object_get(region, "endLine")), 1);
    assert_int_equal(json_integer_value(json_object_get(region, "endColumn")), 1);

    /* The SVC201 finding: region 1-based, and its fix as a byte-range replacement. */
    json_t *res = json_array_get(results, 1);
    phys = json_object_get(json_array_get(json_object_get(res, "locations"), 0), "physicalLocation");
    region = json_object_get(phys, "region");
    assert_int_equal(json_integer_value(json_object_get(region, "startLine")), 3);
    assert_int_equal(json_integer_value(json_object_get(region, "startColumn")), 1);
    assert_int_equal(json_integer_value(json_object_get(region, "endLine")), 3);
    assert_int_equal(json_integer_value(json_object_get(region, "endColumn")), 65);
    json_t *fixes = req(res, "fixes");
    json_t *change = json_array_get(req(json_array_get(fixes, 0), "artifactChanges"), 0);
    assert_string_equal(json_string_value(json_object_get(req(change, "artifactLocation"), "uri")), "orders/views.py");
    json_t *rep = json_array_get(req(change, "replacements"), 0);
    json_t *deleted = req(rep, "deletedRegion");
    assert_int_equal(json_integer_value(json_object_get(deleted, "byteOffset")), 10);
    assert_int_equal(json_integer_value(json_object_get(deleted, "byteLength")), 10);
    assert_string_equal(json_string_value(json_object_get(req(rep, "insertedContent"), "text")),
                        "google_calendar.get_credentials");

    /* Spaces and '%' in a path are percent-encoded in the URI. */
    phys = json_object_get(json_array_get(json_object_get(json_array_get(results, 3), "locations"), 0),
                           "physicalLocation");
    assert_string_equal(json_string_value(json_object_get(json_object_get(phys, "artifactLocation"), "uri")),
                        "services/billing/tests/my%20checks%25.py");

    json_decref(root);
    free(out);
    svc_diagnostics_free(d);
}

static void test_sarif_empty(void **state)
{
    (void)state;
    svc_diagnostics *d = svc_diagnostics_new();
    char *out = svc_report_render(NULL, d, SVC_FORMAT_SARIF, NULL);
    json_t *root = parse(out);
    json_t *run = json_array_get(json_object_get(root, "runs"), 0);
    assert_true(json_is_array(json_object_get(run, "results")));
    assert_int_equal(json_array_size(json_object_get(run, "results")), 0);
    /* Without options the build's own version is used. */
    assert_true(json_is_string(json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "version")));
    json_decref(root);
    free(out);
    svc_diagnostics_free(d);
}

/* ---- GitHub ---- */

static void test_github(void **state)
{
    (void)state;
    svc_diagnostics *d = sample();
    add(d, "SVC105", "services/b,c:d/tests/x.py", 3, 2, 3, 8, "100% sure:\r\nnot named test_*.py, see docs");
    char *out = render(d, SVC_FORMAT_GITHUB, false);
    assert_string_equal(out,
                        "::error file=services/billing,line=1,col=1,endLine=1,endColumn=1,"
                        "title=SVC101 [service-not-package]::Service `billing` has no `__init__.py`\n"
                        "::error file=orders/views.py,line=3,col=1,endLine=3,endColumn=65,"
                        "title=SVC201 [deep-service-import]::`get_credentials` is imported from "
                        "`services.integrations.google_calendar` (depth 4)\n"
                        "::warning file=services/utils.py,line=1,col=1,endLine=1,endColumn=1,"
                        "title=SVC406 [tasks-module-name]::Module `utils.py` sits directly in the services root\n"
                        "::notice file=services/b%2Cc%3Ad/tests/x.py,line=4,col=3,endLine=4,endColumn=9,"
                        "title=SVC105 [test-module-name]::100%25 sure:%0D%0Anot named test_*.py, see docs\n");
    free(out);
    svc_diagnostics_free(d);

    d = svc_diagnostics_new();
    out = render(d, SVC_FORMAT_GITHUB, false);
    assert_string_equal(out, "");
    free(out);
    svc_diagnostics_free(d);
}

/* ---- severity ---- */

static void test_severity_from_diagnostic(void **state)
{
    (void)state;
    /* The diagnostic's own severity (not the rule's default) decides colour, level and command. */
    svc_diagnostics *d = svc_diagnostics_new();
    svc_diagnostic *x = add(d, "SVC201", "a.py", 0, 0, 0, 1, "m");
    x->severity = SVC_SEVERITY_WARNING;
    char *out = render(d, SVC_FORMAT_GITHUB, false);
    assert_true(svc_str_starts_with(out, "::warning "));
    free(out);
    out = render(d, SVC_FORMAT_JSON, false);
    json_t *root = parse(out);
    assert_string_equal(jget(json_array_get(root, 0), "severity"), "warning");
    json_decref(root);
    free(out);
    out = render(d, SVC_FORMAT_TEXT, true);
    assert_non_null(strstr(out, "\033[1;33mSVC201"));
    free(out);
    svc_diagnostics_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_parse),
        cmocka_unit_test(test_rule_url),
        cmocka_unit_test(test_text_plain),
        cmocka_unit_test(test_text_summary_counts),
        cmocka_unit_test(test_text_no_trailing_spaces),
        cmocka_unit_test(test_text_color),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_empty_and_odd_bytes),
        cmocka_unit_test(test_json_fix_with_file_ops),
        cmocka_unit_test(test_sarif),
        cmocka_unit_test(test_sarif_empty),
        cmocka_unit_test(test_github),
        cmocka_unit_test(test_severity_from_diagnostic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

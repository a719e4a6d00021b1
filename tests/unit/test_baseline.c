/* Baselines: write, load, filter; shifted lines still match; counts; bad files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "testlib.h"
#include "svcscope/report.h"
#include "svcscope/util.h"

static const char VIEWS[] =
    "from services.integrations.google_calendar import get_credentials\n"
    "\n"
    "def sync(user):\n"
    "    creds  =   get_credentials(user)\t\n"
    "    return creds\n"
    "\n"
    "def again(user):\n"
    "    creds  =   get_credentials(user)\n"
    "    creds  =   get_credentials(user)\n"
    "    return creds\n";

static const tl_file FIXTURE[] = {
    { "services/__init__.py", "" },
    { "services/integrations/__init__.py", "" },
    { "services/integrations/google_calendar/__init__.py", "" },
    { "services/integrations/google_calendar/credentials.py", "def get_credentials(user):\n    return user\n" },
    { "services/tasks/cleanup.py", "def run():\n    pass\n" },
    { "orders/__init__.py", "" },
    { "orders/views.py", VIEWS },
    { NULL, NULL },
};

/* A fixture repo, its model, and a place for baseline files. */
typedef struct fixture {
    char *dir;
    tl_repo repo;
    bool open;
} fixture;

static int setup(void **state)
{
    fixture *f = svc_xcalloc(1, sizeof *f);
    f->dir = tl_tempdir();
    char *repo = svc_xasprintf("%s/repo", f->dir);
    tl_write_files(repo, FIXTURE);
    tl_repo_open(&f->repo, repo);
    f->open = true;
    free(repo);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->open) tl_repo_close(&f->repo);
    tl_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Re-reads the repo after its files changed. */
static void reopen(fixture *f)
{
    tl_repo_close(&f->repo);
    char *repo = svc_xasprintf("%s/repo", f->dir);
    tl_repo_open(&f->repo, repo);
    free(repo);
}

static void write_repo_file(fixture *f, const char *path, const char *content)
{
    char *repo = svc_xasprintf("%s/repo", f->dir);
    tl_write(repo, path, content);
    free(repo);
}

static svc_diagnostic *add(svc_diagnostics *d, const svc_model *m, const char *code, const char *path, unsigned row,
                           unsigned col, const char *context)
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
    x->file = svc_model_file(m, path);
    x->span = (svc_span){ row, col, row, col + 5, 1, 6 };
    x->message = svc_arena_printf(d->arena, "%s at %u", code, row + 1);
    x->context = context ? svc_arena_strdup(d->arena, context) : NULL;
    return x;
}

static svc_diagnostic *add_folder(svc_diagnostics *d, const char *code, const char *path)
{
    if (d->len == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = svc_xrealloc(d->items, d->cap * sizeof *d->items);
    }
    svc_diagnostic *x = &d->items[d->len++];
    memset(x, 0, sizeof *x);
    x->rule = svc_rule_by_code(code);
    x->severity = x->rule->severity;
    x->path = svc_arena_strdup(d->arena, path);
    x->is_folder = true;
    x->file = -1;
    x->message = "folder";
    return x;
}

/* The findings of "today": SVC201 on line 1, SVC402-ish on lines 4, 8, 9; a folder; a whole file. */
static svc_diagnostics *today(const svc_model *m)
{
    svc_diagnostics *d = svc_diagnostics_new();
    add(d, m, "SVC201", "orders/views.py", 0, 0, NULL);
    add(d, m, "SVC202", "orders/views.py", 3, 4, "sync");
    add(d, m, "SVC202", "orders/views.py", 7, 4, "again");
    add(d, m, "SVC202", "orders/views.py", 8, 4, "again");
    add_folder(d, "SVC106", "services/integrations");
    add(d, m, "SVC406", "services/tasks/cleanup.py", 0, 0, NULL)->span = (svc_span){ 0 };
    return d;
}

static char *baseline_path(const fixture *f)
{
    return svc_xasprintf("%s/baseline.json", f->dir);
}

static json_t *load_json(const char *path)
{
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    if (!j) fail_msg("%s: %s", path, jerr.text);
    return j;
}

static json_t *entry_where(json_t *entries, const char *code, const char *context)
{
    for (size_t i = 0; i < json_array_size(entries); i++) {
        json_t *e = json_array_get(entries, i);
        json_t *c = json_object_get(e, "context");
        if (strcmp(json_string_value(json_object_get(e, "code")), code) != 0) continue;
        if (context ? (json_is_string(c) && strcmp(json_string_value(c), context) == 0) : json_is_null(c)) return e;
    }
    fail_msg("no entry %s in %s", code, context ? context : "(null)");
    return NULL;
}

static void test_write_format(void **state)
{
    fixture *f = *state;
    const svc_model *m = f->repo.model;
    svc_diagnostics *d = today(m);
    char *path = baseline_path(f);
    svc_error err = SVC_ERROR_INIT;
    mode_t old = umask(022);
    assert_int_equal(svc_baseline_write(path, m, d, &err), SVC_OK);
    umask(old);

    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    char *text = tl_read(f->dir, "baseline.json");
    assert_true(svc_str_starts_with(text, "{\n  \"version\": 1,\n  \"tool\": \"svcscope\",\n  \"entries\": [\n"));
    assert_true(svc_str_ends_with(text, "}\n"));
    free(text);

    json_t *root = load_json(path);
    json_t *entries = json_object_get(root, "entries");
    /* Lines 8 and 9 are the same text in the same def: one entry with count 2. */
    assert_int_equal(json_array_size(entries), 5);
    json_t *e = entry_where(entries, "SVC201", NULL);
    static const char *const keys[] = { "code", "path", "context", "line_text", "count" };
    size_t k = 0;
    for (void *it = json_object_iter(e); it; it = json_object_iter_next(e, it), k++)
        assert_string_equal(json_object_iter_key(it), keys[k]);
    assert_int_equal(k, 5);
    assert_string_equal(json_string_value(json_object_get(e, "path")), "orders/views.py");
    assert_string_equal(json_string_value(json_object_get(e, "line_text")),
                        "from services.integrations.google_calendar import get_credentials");
    assert_int_equal(json_integer_value(json_object_get(e, "count")), 1);

    e = entry_where(entries, "SVC202", "sync");
    assert_string_equal(json_string_value(json_object_get(e, "line_text")), "creds = get_credentials(user)");
    assert_int_equal(json_integer_value(json_object_get(e, "count")), 1);
    e = entry_where(entries, "SVC202", "again");
    assert_string_equal(json_string_value(json_object_get(e, "line_text")), "creds = get_credentials(user)");
    assert_int_equal(json_integer_value(json_object_get(e, "count")), 2);

    /* Folders and whole files have no line. */
    e = entry_where(entries, "SVC106", NULL);
    assert_string_equal(json_string_value(json_object_get(e, "path")), "services/integrations");
    assert_string_equal(json_string_value(json_object_get(e, "line_text")), "");
    e = entry_where(entries, "SVC406", NULL);
    assert_string_equal(json_string_value(json_object_get(e, "line_text")), "");

    /* Sorted by path then code for readable diffs. */
    const char *prev = "";
    for (size_t i = 0; i < json_array_size(entries); i++) {
        const char *p = json_string_value(json_object_get(json_array_get(entries, i), "path"));
        assert_true(strcmp(prev, p) <= 0);
        prev = p;
    }
    json_decref(root);

    /* No temporary file left beside it. */
    DIR *dir = opendir(f->dir);
    struct dirent *ent;
    while ((ent = readdir(dir)) != NULL) assert_null(strstr(ent->d_name, ".tmp-"));
    closedir(dir);

    free(path);
    svc_diagnostics_free(d);
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    const svc_model *m = f->repo.model;
    svc_diagnostics *d = today(m);
    char *path = baseline_path(f);
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_baseline_write(path, m, d, &err), SVC_OK);

    svc_baseline *b = NULL;
    assert_int_equal(svc_baseline_load(&b, path, &err), SVC_OK);
    assert_non_null(b);
    svc_baseline_filter(b, m, d);
    assert_int_equal(d->len, 0);
    svc_diagnostics_free(d);

    /* A new finding (another code on a known line, and a new line) is reported; known ones are not. */
    d = today(m);
    add(d, m, "SVC203", "orders/views.py", 0, 0, NULL);
    add(d, m, "SVC202", "orders/views.py", 4, 4, "sync");
    svc_baseline_filter(b, m, d);
    assert_int_equal(d->len, 2);
    assert_string_equal(d->items[0].rule->code, "SVC203");
    assert_string_equal(d->items[1].rule->code, "SVC202");
    assert_int_equal(d->items[1].span.row, 4);
    svc_diagnostics_free(d);

    /* Filtering does not use up the baseline: it can filter again. */
    d = today(m);
    svc_baseline_filter(b, m, d);
    assert_int_equal(d->len, 0);
    svc_diagnostics_free(d);

    /* Overwriting an existing baseline works. */
    d = svc_diagnostics_new();
    assert_int_equal(svc_baseline_write(path, m, d, &err), SVC_OK);
    svc_baseline_free(b);
    assert_int_equal(svc_baseline_load(&b, path, &err), SVC_OK);
    char *text = tl_read(f->dir, "baseline.json");
    assert_string_equal(text, "{\n  \"version\": 1,\n  \"tool\": \"svcscope\",\n  \"entries\": []\n}\n");
    free(text);
    svc_baseline_free(b);
    svc_diagnostics_free(d);
    free(path);
}

static void test_shifted_lines(void **state)
{
    fixture *f = *state;
    svc_diagnostics *d = today(f->repo.model);
    char *path = baseline_path(f);
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_baseline_write(path, f->repo.model, d, &err), SVC_OK);
    svc_diagnostics_free(d);

    /* Three lines added on top, indentation of one line changed: same findings, other rows. */
    char *shifted = svc_xasprintf("\"\"\"Views.\"\"\"\nimport os\n\n%s", VIEWS);
    char *p = strstr(shifted, "    creds  =   get_credentials(user)\t\n");
    assert_non_null(p);
    memcpy(p, "\t", 1); /* "\t   creds..." : whitespace differs only */
    write_repo_file(f, "orders/views.py", shifted);
    free(shifted);
    reopen(f);
    const svc_model *m = f->repo.model;

    d = svc_diagnostics_new();
    add(d, m, "SVC201", "orders/views.py", 3, 0, NULL);
    add(d, m, "SVC202", "orders/views.py", 6, 4, "sync");
    add(d, m, "SVC202", "orders/views.py", 10, 4, "again");
    add(d, m, "SVC202", "orders/views.py", 11, 4, "again");
    add_folder(d, "SVC106", "services/integrations");
    /* Same text, but now a line in another definition: new. */
    add(d, m, "SVC202", "orders/views.py", 6, 4, "other");
    /* The line the finding was on changed: new. */
    add(d, m, "SVC201", "orders/views.py", 4, 0, NULL);

    svc_baseline *b = NULL;
    assert_int_equal(svc_baseline_load(&b, path, &err), SVC_OK);
    svc_baseline_filter(b, m, d);
    if (d->len != 2) tl_dump(d);
    assert_int_equal(d->len, 2);
    assert_string_equal(d->items[0].context, "other");
    assert_string_equal(d->items[1].rule->code, "SVC201");
    assert_int_equal(d->items[1].span.row, 4);
    svc_baseline_free(b);
    svc_diagnostics_free(d);
    free(path);
}

static void test_count_limit(void **state)
{
    fixture *f = *state;
    const svc_model *m = f->repo.model;
    char *path = baseline_path(f);
    svc_error err = SVC_ERROR_INIT;

    /* Recorded: one finding on an identical line in `again`. */
    svc_diagnostics *d = svc_diagnostics_new();
    add(d, m, "SVC202", "orders/views.py", 7, 4, "again");
    assert_int_equal(svc_baseline_write(path, m, d, &err), SVC_OK);
    svc_diagnostics_free(d);
    svc_baseline *b = NULL;
    assert_int_equal(svc_baseline_load(&b, path, &err), SVC_OK);

    /* Later: the same violation twice (a copy was added). One is new and reported. */
    d = svc_diagnostics_new();
    add(d, m, "SVC202", "orders/views.py", 7, 4, "again");
    add(d, m, "SVC202", "orders/views.py", 8, 4, "again");
    svc_baseline_filter(b, m, d);
    assert_int_equal(d->len, 1);
    assert_string_equal(d->items[0].rule->code, "SVC202");
    svc_diagnostics_free(d);
    svc_baseline_free(b);

    /* Recorded twice: both absorbed, a third is reported. */
    d = svc_diagnostics_new();
    add(d, m, "SVC202", "orders/views.py", 7, 4, "again");
    add(d, m, "SVC202", "orders/views.py", 8, 4, "again");
    assert_int_equal(svc_baseline_write(path, m, d, &err), SVC_OK);
    assert_int_equal(svc_baseline_load(&b, path, &err), SVC_OK);
    add(d, m, "SVC202", "orders/views.py", 8, 10, "again");
    svc_baseline_filter(b, m, d);
    assert_int_equal(d->len, 1);
    svc_diagnostics_free(d);
    svc_baseline_free(b);
    free(path);
}

static void test_large_file_crlf_bom(void **state)
{
    fixture *f = *state;
    /* 50,000 lines, CRLF endings, a BOM: the finding on the last line and one on the first. */
    svc_buf big = { 0 };
    svc_buf_puts(&big, "\xEF\xBB\xBF  import   os\r\n");
    for (int i = 1; i < 49999; i++) svc_buf_printf(&big, "x%d = %d\r\n", i, i);
    svc_buf_puts(&big, "    last   =  tasks.delay( 1 )  \r\n");
    char *content = svc_buf_detach(&big);
    write_repo_file(f, "orders/big.py", content);
    free(content);
    reopen(f);
    const svc_model *m = f->repo.model;

    svc_diagnostics *d = svc_diagnostics_new();
    add(d, m, "SVC402", "orders/big.py", 49999, 4, NULL);
    add(d, m, "SVC201", "orders/big.py", 0, 0, NULL);
    add(d, m, "SVC201", "orders/big.py", 70000, 0, NULL); /* past the end: no line, still recorded */
    char *path = baseline_path(f);
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_baseline_write(path, m, d, &err), SVC_OK);
    json_t *root = load_json(path);
    json_t *entries = json_object_get(root, "entries");
    assert_int_equal(json_array_size(entries), 3);
    bool saw_last = false, saw_first = false;
    for (size_t i = 0; i < 3; i++) {
        const char *line = json_string_value(json_object_get(json_array_get(entries, i), "line_text"));
        if (strcmp(line, "last = tasks.delay( 1 )") == 0) saw_last = true;
        if (strcmp(line, "import os") == 0) saw_first = true;
    }
    assert_true(saw_last);
    assert_true(saw_first);
    json_decref(root);

    svc_baseline *b = NULL;
    assert_int_equal(svc_baseline_load(&b, path, &err), SVC_OK);
    svc_baseline_filter(b, m, d);
    assert_int_equal(d->len, 0);
    svc_baseline_free(b);
    svc_diagnostics_free(d);
    free(path);
}

static void expect_load_error(const fixture *f, const char *content, int code, const char *needle)
{
    char *path = baseline_path(f);
    tl_write(f->dir, "baseline.json", content);
    svc_baseline *b = (svc_baseline *)1;
    svc_error err = SVC_ERROR_INIT;
    int rc = svc_baseline_load(&b, path, &err);
    if (rc != code || !strstr(err.message, path) || !strstr(err.message, needle))
        fail_msg("for %s: got %d '%s', want %d with '%s'", content, rc, err.message, code, needle);
    assert_null(b);
    free(path);
}

static void test_bad_files(void **state)
{
    fixture *f = *state;
    svc_error err = SVC_ERROR_INIT;
    svc_baseline *b = NULL;
    char *missing = svc_xasprintf("%s/nope.json", f->dir);
    assert_int_equal(svc_baseline_load(&b, missing, &err), SVC_EIO);
    assert_non_null(strstr(err.message, missing));
    assert_non_null(strstr(err.message, "No such file"));
    assert_null(b);
    free(missing);

    expect_load_error(f, "", SVC_EUSAGE, "not a valid svcscope baseline");
    expect_load_error(f, "{\"version\": 1,\n \"tool\": \"svcscope\", \"entries\": [}\n", SVC_EUSAGE, ":2:");
    expect_load_error(f, "[]", SVC_EUSAGE, "not a svcscope baseline");
    expect_load_error(f, "{\"version\": 1, \"entries\": []}", SVC_EUSAGE, "\"tool\"");
    expect_load_error(f, "{\"version\": 1, \"tool\": \"ruff\", \"entries\": []}", SVC_EUSAGE, "\"ruff\"");
    expect_load_error(f, "{\"version\": 2, \"tool\": \"svcscope\", \"entries\": []}", SVC_EUSAGE, "version 2");
    expect_load_error(f, "{\"version\": \"1\", \"tool\": \"svcscope\", \"entries\": []}", SVC_EUSAGE, "\"version\"");
    expect_load_error(f, "{\"version\": 1, \"tool\": \"svcscope\", \"entries\": {}}", SVC_EUSAGE, "\"entries\"");
    expect_load_error(f, "{\"version\": 1, \"tool\": \"svcscope\", \"entries\": [3]}", SVC_EUSAGE, "entries[0]");
    expect_load_error(f,
                      "{\"version\": 1, \"tool\": \"svcscope\", \"entries\": ["
                      "{\"code\": \"SVC201\", \"path\": \"a.py\", \"context\": null, \"line_text\": \"\", \"count\": 1},"
                      "{\"code\": \"SVC201\", \"path\": \"a.py\", \"context\": null, \"line_text\": \"\", \"count\": 0}]}",
                      SVC_EUSAGE, "entries[1]: \"count\"");
    expect_load_error(f,
                      "{\"version\": 1, \"tool\": \"svcscope\", \"entries\": ["
                      "{\"code\": 201, \"path\": \"a.py\", \"line_text\": \"\", \"count\": 1}]}",
                      SVC_EUSAGE, "\"code\"");
    expect_load_error(f,
                      "{\"version\": 1, \"tool\": \"svcscope\", \"entries\": ["
                      "{\"code\": \"SVC201\", \"path\": \"a.py\", \"context\": 3, \"line_text\": \"\", \"count\": 1}]}",
                      SVC_EUSAGE, "\"context\"");
    expect_load_error(f,
                      "{\"version\": 1, \"tool\": \"svcscope\", \"entries\": ["
                      "{\"code\": \"SVC201\", \"path\": \"a.py\", \"count\": 1}]}",
                      SVC_EUSAGE, "\"line_text\"");

    /* A hand-merged file with the same key twice: counts add up. */
    tl_write(f->dir, "merged.json",
             "{\"version\": 1, \"tool\": \"svcscope\", \"entries\": ["
             "{\"code\": \"SVC106\", \"path\": \"services/integrations\", \"context\": null, \"line_text\": \"\", \"count\": 1},"
             "{\"code\": \"SVC106\", \"path\": \"services/integrations\", \"line_text\": \"\", \"count\": 1}]}");
    char *merged = svc_xasprintf("%s/merged.json", f->dir);
    assert_int_equal(svc_baseline_load(&b, merged, &err), SVC_OK);
    svc_diagnostics *d = svc_diagnostics_new();
    add_folder(d, "SVC106", "services/integrations");
    add_folder(d, "SVC106", "services/integrations");
    add_folder(d, "SVC106", "services/integrations");
    svc_baseline_filter(b, f->repo.model, d);
    assert_int_equal(d->len, 1);
    svc_diagnostics_free(d);
    svc_baseline_free(b);
    free(merged);

    /* NULL baseline: nothing filtered. */
    d = today(f->repo.model);
    svc_baseline_filter(NULL, f->repo.model, d);
    assert_int_equal(d->len, 6);
    svc_diagnostics_free(d);
}

static void test_write_errors(void **state)
{
    fixture *f = *state;
    svc_diagnostics *d = today(f->repo.model);
    svc_error err = SVC_ERROR_INIT;
    char *path = svc_xasprintf("%s/no/such/dir/baseline.json", f->dir);
    assert_int_equal(svc_baseline_write(path, f->repo.model, d, &err), SVC_EIO);
    assert_non_null(strstr(err.message, path));
    assert_non_null(strstr(err.message, "No such file or directory"));
    free(path);

    /* The target is a folder: the rename fails, the temporary file is removed. */
    path = svc_xasprintf("%s/adir", f->dir);
    mkdir(path, 0755);
    tl_write(f->dir, "adir/keep", "x");
    err = (svc_error)SVC_ERROR_INIT;
    assert_int_equal(svc_baseline_write(path, f->repo.model, d, &err), SVC_EIO);
    assert_non_null(strstr(err.message, path));
    DIR *dir = opendir(f->dir);
    struct dirent *ent;
    while ((ent = readdir(dir)) != NULL) assert_null(strstr(ent->d_name, ".tmp-"));
    closedir(dir);
    free(path);
    svc_diagnostics_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shifted_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_count_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_file_crlf_bom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

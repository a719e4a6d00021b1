/*
 * svc_source_set_content: a file of the source holding an editor's unsaved text. The model reads
 * that text (not the disk), the facts cache keys it by its content (a cached build of the disk's
 * bytes is not taken for it, nor the reverse), and the file on disk is left alone.
 */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/rules.h"
#include "svcscope/util.h"

static const char deep_import[] = "from services.integrations.google_calendar.credentials import get_credentials\n";
static const char shallow_import[] = "from services.integrations import google_calendar\n";

static const tl_file project[] = {
    { "services/__init__.py", "" },
    { "services/integrations/__init__.py", "" },
    { "services/integrations/google_calendar/__init__.py", "from .credentials import get_credentials\n" },
    { "services/integrations/google_calendar/credentials.py", "def get_credentials(user):\n    return user\n" },
    { "orders/__init__.py", "" },
    { "orders/models.py", "" },
    { "orders/views.py", deep_import },
    { NULL, NULL },
};

/* SVC201 findings in orders/views.py of a build (cache on) where views.py holds `content`, or the disk's when NULL. */
static size_t deep_imports_with(const char *root, const char *cache, const char *content)
{
    svc_source *src = NULL;
    svc_config cfg;
    svc_config_init(&cfg);
    svc_error err = SVC_ERROR_INIT;
    svc_source_options so = SVC_SOURCE_OPTIONS_INIT;
    assert_int_equal(svc_source_open(&src, root, &so, &err), 0);
    if (content) assert_int_equal(svc_source_set_content(src, "orders/views.py", content, strlen(content), &err), 0);
    svc_model_options mo = SVC_MODEL_OPTIONS_INIT;
    mo.cache = true;
    mo.cache_path = cache;
    mo.sync_cache_write = true;
    svc_model *m = NULL;
    assert_int_equal(svc_model_build(&m, src, &cfg, &mo, &err), 0);
    svc_diagnostics *d = tl_check(m, "SVC201");
    size_t n = tl_count(d, "SVC201", "orders/views.py", 0);
    svc_diagnostics_free(d);
    svc_model_free(m);
    svc_source_free(src);
    svc_config_free(&cfg);
    return n;
}

static void test_the_model_reads_the_content(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write_files(root, project);
    char *cache = svc_xasprintf("%s/facts-cache", root);
    assert_int_equal(deep_imports_with(root, cache, NULL), 1);
    assert_int_equal(deep_imports_with(root, cache, shallow_import), 0);
    assert_int_equal(deep_imports_with(root, cache, NULL), 1);  /* the cache keeps both apart */
    char *disk = tl_read(root, "orders/views.py");
    assert_string_equal(disk, deep_import);
    free(disk);
    free(cache);
    tl_rmrf(root);
    free(root);
}

static void test_read_and_unknown_paths(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write_files(root, project);
    svc_source *src = NULL;
    svc_error err = SVC_ERROR_INIT;
    svc_source_options so = SVC_SOURCE_OPTIONS_INIT;
    assert_int_equal(svc_source_open(&src, root, &so, &err), 0);
    assert_int_equal(svc_source_set_content(src, "orders/new.py", "x = 1\n", 6, &err), SVC_ENOTFOUND);
    assert_int_equal(svc_source_set_content(src, "orders/views.py", "a\0b", 3, &err), 0);
    long i = svc_source_find(src, "orders/views.py");
    const svc_source_file *f = svc_source_at(src, (size_t)i);
    assert_int_equal(f->size, 3);
    assert_false(f->has_oid);
    assert_false(f->has_stat);
    char *bytes = NULL;
    size_t len = 0;
    assert_int_equal(svc_source_read(src, (size_t)i, &bytes, &len, &err), 0);
    assert_int_equal(len, 3);
    assert_memory_equal(bytes, "a\0b", 3);
    free(bytes);
    svc_source_free(src);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_model_reads_the_content),
        cmocka_unit_test(test_read_and_unknown_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

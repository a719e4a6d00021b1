/*
 * Every input the fuzzers ever broke the core with (fuzz/regressions/<target>/, one file per
 * input) and the seed corpora (fuzz/corpus/<target>/), run through the very checks of the fuzz
 * targets (fuzz/fuzz_checks.c) in the normal build, so `make check` keeps them fixed. A check
 * that fails aborts with the invariant that broke; the file being run is printed first.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testlib.h"
#include "fuzz_checks.h"
#include "svcscope/util.h"

typedef void (*check_fn)(const uint8_t *data, size_t size);

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every file of SVC_SRCDIR/fuzz/<kind>/<target>/ through `check`; returns how many. */
static size_t run_dir(const char *kind, const char *target, check_fn check)
{
    char *dir = svc_xasprintf("%s/fuzz/%s/%s", SVC_SRCDIR, kind, target);
    DIR *d = opendir(dir);
    if (!d) {
        free(dir);
        return 0;
    }
    SVC_VEC(char *) names = { 0 };
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') svc_vec_push(&names, svc_xstrdup(e->d_name));
    closedir(d);
    if (names.len > 1) qsort(names.items, names.len, sizeof *names.items, compare_names);
    size_t n = 0;
    for (size_t i = 0; i < names.len; i++) {
        char *full = svc_xasprintf("%s/%s", dir, names.items[i]);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
            char *bytes = tl_read(dir, names.items[i]);
            /* tl_read stops nowhere on NUL bytes: the size is the file's. */
            fprintf(stderr, "  %s/%s/%s (%lld bytes)\n", kind, target, names.items[i], (long long)st.st_size);
            check((const uint8_t *)bytes, (size_t)st.st_size);
            free(bytes);
            n++;
        }
        free(full);
        free(names.items[i]);
    }
    svc_vec_free(&names);
    free(dir);
    return n;
}

static void run_target(const char *target, check_fn check)
{
    size_t regressions = run_dir("regressions", target, check);
    size_t seeds = run_dir("corpus", target, check);
    fprintf(stderr, "%s: %zu regression inputs and %zu seeds passed\n", target, regressions, seeds);
    assert_true(seeds > 0);
}

/* Demo modules that also seed fuzz_facts (fuzz/run.sh reads them from examples/demo). */
static const char *const demo_seeds[] = {
    "services/tasks/email_tasks.py", "services/billing/invoices.py", "orders/views.py", "shop/settings.py",
};

static void test_facts(void **state)
{
    (void)state;
    run_target("fuzz_facts", fz_check_facts);
    char *demo = svc_xasprintf("%s/examples/demo", SVC_SRCDIR);
    for (size_t i = 0; i < sizeof demo_seeds / sizeof *demo_seeds; i++) {
        char *bytes = tl_read(demo, demo_seeds[i]);
        fz_check_facts((const uint8_t *)bytes, strlen(bytes));
        free(bytes);
    }
    free(demo);
}

static void test_config(void **state)
{
    (void)state;
    run_target("fuzz_config", fz_check_config);
}

static void test_fix(void **state)
{
    (void)state;
    run_target("fuzz_fix", fz_check_fix);
    fz_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_fix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

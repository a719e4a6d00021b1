#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/util.h"

static void test_dotted(void **state)
{
    (void)state;
    assert_int_equal(svc_dotted_depth("services"), 1);
    assert_int_equal(svc_dotted_depth("services.billing.invoices"), 3);
    assert_int_equal(svc_dotted_depth(""), 0);
    assert_string_equal(svc_dotted_last("a.b.c"), "c");
    assert_string_equal(svc_dotted_last("a"), "a");
    assert_true(svc_dotted_within("services.billing", "services"));
    assert_true(svc_dotted_within("services", "services"));
    assert_false(svc_dotted_within("services_old.x", "services"));
}

static void test_glob(void **state)
{
    (void)state;
    assert_true(svc_glob_match("migrations", "orders/migrations/0001_initial.py"));
    assert_true(svc_glob_match("*.py", "orders/views.py"));
    assert_true(svc_glob_match("legacy/**", "legacy/a/b.py"));
    assert_true(svc_glob_match("legacy", "legacy/a/b.py"));
    assert_true(svc_glob_match("**/tests/*.py", "services/billing/tests/test_x.py"));
    assert_true(svc_glob_match("**/tests/*.py", "tests/test_x.py"));
    assert_true(svc_glob_match("orders/*", "orders/views.py"));
    assert_false(svc_glob_match("orders/*.py", "orders/sub/views.py"));
    assert_false(svc_glob_match("legacy/**", "newer/legacy.py"));
    assert_false(svc_glob_match("test_?.py", "test_ab.py"));
}

static void test_map(void **state)
{
    (void)state;
    svc_map *m = svc_map_new();
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_null(svc_map_put(m, key, (void *)(intptr_t)(i + 1)));
    }
    assert_int_equal(svc_map_count(m), 5000);
    assert_int_equal((intptr_t)svc_map_get(m, "k4242"), 4243);
    assert_null(svc_map_get(m, "missing"));
    assert_int_equal((intptr_t)svc_map_put(m, "k1", (void *)7), 2);
    size_t it = 0, seen = 0;
    const char *k;
    void *v;
    while (svc_map_next(m, &it, &k, &v)) seen++;
    assert_int_equal(seen, 5000);
    svc_map_free(m);
}

static void test_arena_and_buf(void **state)
{
    (void)state;
    svc_arena *a = svc_arena_new();
    char *big = svc_arena_alloc(a, 1 << 20);
    memset(big, 'x', 1 << 20);
    char expect[16];
    for (int i = 0; i < 10000; i++) {
        snprintf(expect, sizeof expect, "n%d", i);
        assert_string_equal(svc_arena_printf(a, "n%d", i), expect);
    }
    assert_int_equal(big[(1 << 20) - 1], 'x');
    svc_arena_free(a);

    svc_buf b = { 0 };
    svc_buf_printf(&b, "%s-%d", "a", 1);
    svc_buf_puts(&b, "/b");
    char *s = svc_buf_detach(&b);
    assert_string_equal(s, "a-1/b");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dotted),
        cmocka_unit_test(test_glob),
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_arena_and_buf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Where SVC401 sends tasks: valid module names that never put two tasks of one name together. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/task_destination.h"

static bool is_module_name(const char *s)
{
    if (!*s || isdigit((unsigned char)s[0])) return false;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_')) return false;
    return true;
}

static void free_all(char **idents, size_t n)
{
    for (size_t i = 0; i < n; i++) free(idents[i]);
    free(idents);
}

static void test_innermost_meaningful_package(void **state)
{
    (void)state;
    const char *paths[] = { "orders/tasks.py", "saleor/plugins/webhook/tasks.py", "scripts/celery-migration-task.py",
                            "shop/celery.py", "tasks.py", "apps/2fa/tasks.py", "services/billing/jobs.py",
                            "orders/emails.py" };
    const char *names[] = { "sync", "send", "migrate", "ping", "clean", "verify", "charge", "welcome" };
    size_t n = sizeof paths / sizeof *paths;
    char **idents = svc_task_destinations(paths, names, n);
    assert_string_equal(idents[0], "orders");
    assert_string_equal(idents[1], "webhook");
    assert_string_equal(idents[2], "scripts");
    assert_string_equal(idents[3], "shop");
    assert_string_equal(idents[4], "project");
    assert_string_equal(idents[5], "m2fa");
    assert_string_equal(idents[6], "billing");
    assert_string_equal(idents[7], "orders"); /* a sibling module: one destination, names differ */
    free_all(idents, n);

    /* a file of its own with no meaningful package: its own name */
    const char *lone[] = { "celery-migration-task.py" };
    const char *lone_names[] = { "run" };
    idents = svc_task_destinations(lone, lone_names, 1);
    assert_string_equal(idents[0], "celery_migration");
    free_all(idents, 1);
}

static void test_same_names_of_sibling_packages(void **state)
{
    (void)state;
    const char *paths[] = { "shop/a/orders/tasks.py", "shop/b/orders/tasks.py", "shop/a/orders/tasks.py" };
    const char *names[] = { "sync", "_sync", "other" };
    char **idents = svc_task_destinations(paths, names, 3);
    assert_string_equal(idents[0], "a_orders");
    assert_string_equal(idents[1], "b_orders");
    assert_string_equal(idents[2], "a_orders"); /* tasks of one file stay together */
    free_all(idents, 3);
}

/* Generated trees of same-named packages, modules and tasks: every identifier is a module name,
 * and no two tasks of one name from different files share one. */
static void test_generated_collisions(void **state)
{
    (void)state;
    static const char *const folders[] = { "orders", "tasks", "apps", "Shop-Core", "2fa", "class", "celery" };
    static const char *const files[] = { "tasks.py", "jobs.py", "orders.py", "my-jobs.py", "__init__.py" };
    static const char *const tasks[] = { "sync", "_sync", "ping", "__ping" };
    enum { MAX = 7 * 7 * 5 * 4 };
    char *paths[MAX];
    const char *names[MAX];
    size_t n = 0;
    for (size_t a = 0; a < 7; a++)
        for (size_t b = 0; b < 7; b++)
            for (size_t f = 0; f < 5; f++)
                for (size_t t = 0; t < 4; t++) {
                    char buf[128];
                    snprintf(buf, sizeof buf, "%s/%s/%s", folders[a], folders[b], files[f]);
                    paths[n] = strdup(buf);
                    names[n++] = tasks[t];
                }
    char **idents = svc_task_destinations((const char *const *)paths, names, n);
    for (size_t i = 0; i < n; i++) {
        if (!is_module_name(idents[i])) fail_msg("%s -> %s is not a module name", paths[i], idents[i]);
        for (size_t j = i + 1; j < n; j++) {
            const char *x = names[i], *y = names[j];
            while (*x == '_') x++;
            while (*y == '_') y++;
            if (strcmp(paths[i], paths[j]) == 0) {
                if (strcmp(idents[i], idents[j]) != 0) fail_msg("%s split over two modules", paths[i]);
            } else if (strcmp(x, y) == 0 && strcmp(idents[i], idents[j]) == 0) {
                fail_msg("%s:%s and %s:%s both go to %s_tasks.py", paths[i], names[i], paths[j], names[j],
                         idents[i]);
            }
        }
    }
    free_all(idents, n);
    for (size_t i = 0; i < n; i++) free(paths[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_innermost_meaningful_package),
        cmocka_unit_test(test_same_names_of_sibling_packages),
        cmocka_unit_test(test_generated_collisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/tui/text.c: paths elided in the middle, and rows drawn scrolled sideways. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "tui/text.h"

static void use_locale(const char *name)
{
    assert_non_null(setlocale(LC_ALL, name));
    tui_text_init();
}

typedef char *cut_fn(const char *text, int cols, const char *const *others, size_t nothers);

/* `cut` gives `want` for `text` in `cols` columns, which it fits in. */
static void expect_cut(cut_fn *cut, const char *text, int cols, const char *const *others, size_t n, const char *want)
{
    char *got = cut(text, cols, others, n);
    assert_string_equal(got, want);
    assert_true((int)tui_text_width(got) <= cols);
    free(got);
}

/* At every width from `from` to `to`, `cut` gives each of `shown` (cut against all of them) a text
 * that fits and that no other one gets. */
static void expect_all_distinct(cut_fn *cut, const char *const *shown, size_t n, int from, int to)
{
    char **out = calloc(n, sizeof *out);
    assert_non_null(out);
    for (int cols = from; cols <= to; cols++) {
        for (size_t i = 0; i < n; i++) out[i] = cut(shown[i], cols, shown, n);
        for (size_t i = 0; i < n; i++) {
            assert_true((int)tui_text_width(out[i]) <= cols);
            for (size_t j = i + 1; j < n; j++)
                if (strcmp(out[i], out[j]) == 0) fail_msg("%d columns: %s and %s both read %s", cols, shown[i], shown[j], out[i]);
        }
        for (size_t i = 0; i < n; i++) free(out[i]);
    }
    free(out);
}

static void expect_elided(const char *path, int cols, const char *const *others, size_t n, const char *want)
{
    expect_cut(tui_path_elide, path, cols, others, n, want);
}

static void expect_name(const char *name, int cols, const char *const *others, size_t n, const char *want)
{
    expect_cut(tui_name_elide, name, cols, others, n, want);
}

static void test_a_path_that_fits_is_left_whole(void **state)
{
    (void)state;
    use_locale("C.UTF-8");
    expect_elided("saleor/account/tasks.py", 23, NULL, 0, "saleor/account/tasks.py");
}

static void test_folders_go_in_the_middle_the_file_name_stays(void **state)
{
    (void)state;
    use_locale("C.UTF-8");
    expect_elided("saleor/account/migrations/tasks/saleor3_22.py", 30, NULL, 0, "saleor/…/tasks/saleor3_22.py");
    expect_elided("saleor/account/migrations/tasks/saleor3_22.py", 15, NULL, 0, "…/saleor3_22.py");
    /* not even the file name fits: its tail */
    expect_elided("saleor/account/migrations/tasks/saleor3_22.py", 8, NULL, 0, "…3_22.py");
}

static void test_the_folder_that_differs_survives(void **state)
{
    (void)state;
    use_locale("C.UTF-8");
    const char *shown[] = { "lib/kombu/asynchronous/transport.py", "lib/kombu/synchronous/transport.py" };
    expect_elided(shown[0], 28, shown, 2, "…/asynchronous/transport.py");
    expect_elided(shown[1], 28, shown, 2, "…/synchronous/transport.py");
}

static void test_a_differing_folder_too_long_keeps_the_head_that_differs(void **state)
{
    (void)state;
    use_locale("C.UTF-8");
    const char *shown[] = { "saleor/account/migrations/tasks/saleor3_23.py", "saleor/app/migrations/tasks/saleor3_23.py" };
    char *a = tui_path_elide(shown[0], 22, shown, 2);
    char *b = tui_path_elide(shown[1], 22, shown, 2);
    assert_string_not_equal(a, b);
    assert_non_null(strstr(a, "acc"));
    assert_non_null(strstr(b, "app"));
    assert_non_null(strstr(a, "saleor3_23.py"));
    free(a);
    free(b);
    /* narrower: the head's ellipsis stands for the folders after it too */
    expect_elided(shown[0], 20, shown, 2, "…/acc…/saleor3_23.py");
    expect_elided(shown[1], 20, shown, 2, "…/ap…/saleor3_23.py");
}

static void test_folders_every_path_shares_go_first(void **state)
{
    (void)state;
    use_locale("C.UTF-8");
    /* "saleor" tells nothing in a list of saleor's files; the app does */
    const char *shown[] = { "saleor/checkout/migrations/tasks/fix.py", "saleor/order/tasks.py" };
    expect_elided(shown[0], 25, shown, 2, "…/checkout/…/tasks/fix.py");
    /* room left: the head of a folder left out */
    expect_elided(shown[0], 28, shown, 2, "…/checkout/mig…/tasks/fix.py");
}

static void test_ascii_ellipsis_without_utf8(void **state)
{
    (void)state;
    use_locale("C");
    const char *shown[] = { "lib/kombu/asynchronous/transport.py", "lib/kombu/synchronous/transport.py" };
    expect_elided(shown[0], 30, shown, 2, ".../asynchronous/transport.py");
    expect_elided(shown[1], 30, shown, 2, ".../synchronous/transport.py");
    expect_elided(shown[1], 34, shown, 2, "lib/kombu/synchronous/transport.py");
}

static void test_every_pair_of_distinct_paths_reads_differently(void **state)
{
    (void)state;
    use_locale("C.UTF-8");
    const char *shown[] = {
        "saleor/account/migrations/tasks/saleor3_22.py", "saleor/account/migrations/tasks/saleor3_23.py",
        "saleor/app/migrations/tasks/saleor3_23.py",     "saleor/attribute/migrations/tasks/saleor3_22.py",
        "saleor/channel/tasks/saleor3_22.py",            "lib/asynchronous/transport.py",
        "lib/synchronous/transport.py",                  "transport.py",
    };
    expect_all_distinct(tui_path_elide, shown, sizeof shown / sizeof *shown, 20, 50);
}

static void test_a_name_cut_says_so(void **state)
{
    (void)state;
    use_locale("C.UTF-8");
    expect_name("populate_user_number_of_orders_task", 35, NULL, 0, "populate_user_number_of_orders_task");
    expect_name("populate_user_number_of_orders_task", 12, NULL, 0, "populate_us…");
    use_locale("C");
    expect_name("populate_user_number_of_orders_task", 12, NULL, 0, "populate_...");
}

static void test_names_that_start_alike_are_cut_in_the_middle(void **state)
{
    (void)state;
    use_locale("C.UTF-8");
    const char *shown[] = { "update_products_discounted_prices_task", "update_products_search_vector_task" };
    /* a little of the start, then from where they differ */
    expect_name(shown[0], 16, shown, 2, "updat…discounte…");
    expect_name(shown[1], 16, shown, 2, "updat…search_ve…");
    /* alone on screen, the head is enough */
    expect_name(shown[0], 16, shown, 1, "update_products…");
}

static void test_every_pair_of_distinct_names_reads_differently(void **state)
{
    (void)state;
    use_locale("C.UTF-8");
    const char *shown[] = {
        "send_order_confirmed_email_task", "send_order_refund_email_task", "send_gift_card_email_task",
        "send_order_canceled_email_task",  "send_password_reset_email",    "send_order",
        "send_order_confirmation",         "update_products_discounted_prices_task",
    };
    expect_all_distinct(tui_name_elide, shown, sizeof shown / sizeof *shown, 10, 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_path_that_fits_is_left_whole),
        cmocka_unit_test(test_folders_go_in_the_middle_the_file_name_stays),
        cmocka_unit_test(test_the_folder_that_differs_survives),
        cmocka_unit_test(test_a_differing_folder_too_long_keeps_the_head_that_differs),
        cmocka_unit_test(test_folders_every_path_shares_go_first),
        cmocka_unit_test(test_ascii_ellipsis_without_utf8),
        cmocka_unit_test(test_every_pair_of_distinct_paths_reads_differently),
        cmocka_unit_test(test_a_name_cut_says_so),
        cmocka_unit_test(test_names_that_start_alike_are_cut_in_the_middle),
        cmocka_unit_test(test_every_pair_of_distinct_names_reads_differently),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

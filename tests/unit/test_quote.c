/* Escaping repository text for a terminal (src/core/quote.c): git's core.quotePath style. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/quote.h"

static void expect_text(const char *in, const char *want)
{
    assert_string_equal(svc_quoted_text(in), want);
    svc_buf b = { 0 };
    svc_quote_text_append(&b, in, strlen(in));
    assert_string_equal(b.data ? b.data : "", want);
    svc_buf_free(&b);
}

static void expect_path(const char *in, const char *want)
{
    assert_string_equal(svc_quoted_path(in), want);
}

/* No byte that a terminal acts on survives: C0, DEL, C1 (two bytes in UTF-8), bad bytes. */
static bool terminal_safe(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\t') || *p == 0x7F) return false;
        if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) return false;
    }
    char *repaired = svc_utf8_repaired(s);
    bool valid = strcmp(repaired, s) == 0;
    free(repaired);
    return valid;
}

static void test_printable_text_is_unchanged(void **state)
{
    (void)state;
    expect_text("", "");
    expect_text("services/billing/views.py", "services/billing/views.py");
    expect_text("héllo 日本 😀 \"quoted\" back\\slash", "héllo 日本 😀 \"quoted\" back\\slash");
    expect_text("def f():\treturn 1", "def f():\treturn 1");
    expect_path("services/billing/views.py", "services/billing/views.py");
    expect_path("app/héllo wörld.py", "app/héllo wörld.py");
}

static void test_controls_become_c_escapes(void **state)
{
    (void)state;
    expect_text("a\033[31mred", "a\\033[31mred");
    expect_text("\033]52;c;aGk=\a", "\\033]52;c;aGk=\\a");
    expect_text("over\rwrite\bx\n\v\f", "over\\rwrite\\bx\\n\\v\\f");
    expect_text("nul\001del\177", "nul\\001del\\177");
}

static void test_c1_controls_and_bad_bytes(void **state)
{
    (void)state;
    /* U+009B (CSI) and U+009D (OSC) as UTF-8: both bytes shown, as git does */
    expect_text("a\xc2\x9b" "31mb", "a\\302\\23331mb");
    expect_text("\xc2\x9d", "\\302\\235");
    /* the same bytes outside a sequence are bad bytes */
    expect_text("\x9b" "2J", "\\2332J");
    expect_text("caf\xe9.py", "caf\\351.py");
    expect_text("\xc3", "\\303");
    /* U+00A0 is the first printable after the C1 range */
    expect_text("\xc2\xa0", "\xc2\xa0");
}

static void test_paths_are_quoted_when_escaped(void **state)
{
    (void)state;
    expect_path("app/evil\033[31m.py", "\"app/evil\\033[31m.py\"");
    expect_path("app/tab\there.py", "\"app/tab\\there.py\"");
    /* once quoted, the quote and the backslash are escaped so the path reads back */
    expect_path("a\"b\\c.py", "\"a\\\"b\\\\c.py\"");
    expect_path("caf\xe9\x9b.py", "\"caf\\351\\233.py\"");
}

static void test_escape_of_one_code_point(void **state)
{
    (void)state;
    char out[SVC_QUOTE_ESCAPE_MAX];
    assert_int_equal(svc_quote_escape('a', out), 0);
    assert_string_equal(out, "");
    assert_int_equal(svc_quote_escape(0x1B, out), 4);
    assert_string_equal(out, "\\033");
    assert_int_equal(svc_quote_escape(0x9F, out), 8);
    assert_string_equal(out, "\\302\\237");
    assert_int_equal(svc_quote_escape(SVC_UTF8_BAD_BYTE + 0xFF, out), 4);
    assert_string_equal(out, "\\377");
    assert_int_equal(svc_quote_escape(0x263A, out), 0);
}

/* Every byte value, alone and after a lead byte: the result is safe, and quoting it again
 * changes nothing (the same pointer comes back). */
static void test_every_byte_is_safe_and_idempotent(void **state)
{
    (void)state;
    for (int lead = 0; lead < 256; lead++) {
        for (int c = 1; c < 256; c++) {
            char in[4] = { (char)(lead ? lead : c), (char)(lead ? c : 0), 0, 0 };
            const char *once = svc_quoted_text(in);
            assert_true(terminal_safe(once));
            assert_ptr_equal(svc_quoted_text(once), once);
            const char *path = svc_quoted_path(in);
            assert_true(terminal_safe(path) && !strchr(path, '\t'));
        }
    }
}

/* A printf's arguments stay valid together, and plain text costs no copy. */
static void test_quoted_copies_live_through_one_printf(void **state)
{
    (void)state;
    const char *plain = "services/billing.py";
    assert_ptr_equal(svc_quoted_path(plain), plain);
    const char *first = svc_quoted_path("a\033.py");
    for (int i = 0; i < SVC_QUOTED_SLOTS - 1; i++) svc_quoted_text("\a");
    assert_string_equal(first, "\"a\\033.py\"");
    assert_null(svc_quoted_text(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printable_text_is_unchanged),
        cmocka_unit_test(test_controls_become_c_escapes),
        cmocka_unit_test(test_c1_controls_and_bad_bytes),
        cmocka_unit_test(test_paths_are_quoted_when_escaped),
        cmocka_unit_test(test_escape_of_one_code_point),
        cmocka_unit_test(test_every_byte_is_safe_and_idempotent),
        cmocka_unit_test(test_quoted_copies_live_through_one_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/core/utf8.c: encoding, decoding, checking, boundaries and widths. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/utf8.h"

/* Every length's first and last code point, and the ones around the surrogates. */
static const struct {
    uint32_t cp;
    const char *utf8;
} ENCODINGS[] = {
    { 0x0, "\x00" },          { 0x41, "A" },           { 0x7F, "\x7f" },
    { 0x80, "\xc2\x80" },     { 0xE9, "\xc3\xa9" },    { 0x7FF, "\xdf\xbf" },
    { 0x800, "\xe0\xa0\x80" }, { 0xD7FF, "\xed\x9f\xbf" }, { 0xE000, "\xee\x80\x80" },
    { 0xFFFD, "\xef\xbf\xbd" }, { 0xFFFF, "\xef\xbf\xbf" }, { 0x10000, "\xf0\x90\x80\x80" },
    { 0x1F600, "\xf0\x9f\x98\x80" }, { 0x10FFFF, "\xf4\x8f\xbf\xbf" },
};

static void test_encode_and_decode_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ENCODINGS / sizeof *ENCODINGS; i++) {
        size_t want = ENCODINGS[i].cp == 0 ? 1 : strlen(ENCODINGS[i].utf8);
        char out[SVC_UTF8_MAX];
        assert_int_equal(svc_utf8_encode(ENCODINGS[i].cp, out), want);
        assert_memory_equal(out, ENCODINGS[i].utf8, want);
        uint32_t cp = 0xDEAD;
        assert_int_equal(svc_utf8_decode(ENCODINGS[i].utf8, want, &cp), want);
        assert_int_equal(cp, ENCODINGS[i].cp);
        assert_int_equal(svc_utf8_valid_prefix(ENCODINGS[i].utf8, want), want);
    }
}

/* Surrogates and code points past U+10FFFF have no encoding: nothing is written. */
static void test_encode_refuses_what_is_not_a_scalar_value(void **state)
{
    (void)state;
    static const uint32_t refused[] = { 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0x110000, 0x7FFFFFFF, 0xFFFFFFFF };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        char out[SVC_UTF8_MAX] = { 'x', 'x', 'x', 'x' };
        assert_int_equal(svc_utf8_encode(refused[i], out), 0);
        assert_memory_equal(out, "xxxx", 4);
    }
}

/* Everything that is not well-formed takes one byte and keeps its value, for showing it. */
static void test_decode_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\xff",             /* never in UTF-8 */
        "\xfe",
        "\xf8\x88\x80\x80", /* a five-byte lead */
        "\x80",             /* a stray continuation byte */
        "\xbf",
        "\xc3",             /* truncated: 2, 3 and 4 bytes */
        "\xe2\x82",
        "\xf0\x9f\x98",
        "\xc3(",            /* a lead followed by something else */
        "\xe2(\xa1",
        "\xc0\xaf",         /* overlong '/': 2, 3 and 4 bytes */
        "\xc1\xbf",
        "\xe0\x80\xaf",
        "\xe0\x9f\xbf",     /* overlong U+07FF */
        "\xf0\x80\x80\xaf",
        "\xf0\x8f\xbf\xbf", /* overlong U+FFFF */
        "\xed\xa0\x80",     /* surrogates */
        "\xed\xbf\xbf",
        "\xf4\x90\x80\x80", /* past U+10FFFF */
        "\xf5\x80\x80\x80",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint32_t cp;
        size_t n = strlen(bad[i]);
        assert_int_equal(svc_utf8_decode(bad[i], n, &cp), 1);
        assert_int_equal(cp, SVC_UTF8_BAD_BYTE + (unsigned char)bad[i][0]);
        assert_int_equal(svc_utf8_valid_prefix(bad[i], n), 0);
    }
    uint32_t cp = 1;
    assert_int_equal(svc_utf8_decode("", 0, &cp), 0);
    assert_int_equal(cp, 0);
    /* The length given is the limit, not the NUL. */
    assert_int_equal(svc_utf8_decode("\xc3\xa9", 1, &cp), 1);
    assert_int_equal(cp, SVC_UTF8_BAD_BYTE + 0xC3);
}

static void test_valid_prefix_points_at_the_first_bad_byte(void **state)
{
    (void)state;
    const char *s = "ok \xc3\xa9\xe6\x97\xa5 \xc3 rest";
    assert_int_equal(svc_utf8_valid_prefix(s, strlen(s)), 9);
    assert_int_equal(svc_utf8_valid_prefix("", 0), 0);
    assert_int_equal(svc_utf8_valid_prefix("abc\0def", 7), 7); /* NUL is a character */
}

static void test_codepoints_and_repair(void **state)
{
    (void)state;
    assert_int_equal(svc_utf8_codepoints("h\xc3\xa9llo", 6), 5);
    assert_int_equal(svc_utf8_codepoints("\xff\xfe", 2), 2);
    assert_int_equal(svc_utf8_codepoints("\xf0\x9f\x98\x80!", 5), 2);
    char *repaired = svc_utf8_repaired("a\xff" "b\xc3\xa9\xed\xa0\x80");
    assert_string_equal(repaired, "a\xef\xbf\xbd" "b\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    free(repaired);
}

/* Boundaries: back and forth over continuation bytes only. */
static void test_floor_and_ceil(void **state)
{
    (void)state;
    const char *s = "a\xe6\x97\xa5" "b"; /* a, U+65E5 (3 bytes), b */
    assert_int_equal(svc_utf8_floor(s, 0), 0);
    assert_int_equal(svc_utf8_floor(s, 1), 1);
    assert_int_equal(svc_utf8_floor(s, 2), 1);
    assert_int_equal(svc_utf8_floor(s, 3), 1);
    assert_int_equal(svc_utf8_floor(s, 4), 4);
    assert_int_equal(svc_utf8_ceil(s, 2, 5), 4);
    assert_int_equal(svc_utf8_ceil(s, 3, 5), 4);
    assert_int_equal(svc_utf8_ceil(s, 1, 5), 1);
    assert_int_equal(svc_utf8_ceil(s, 2, 3), 3); /* never past n */
    /* A run of stray continuation bytes is crossed whole, and never below the start. */
    assert_int_equal(svc_utf8_floor("\x80\x80\x80", 2), 0);
}

static bool utf8_locale(void)
{
    static const char *const names[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (setlocale(LC_CTYPE, names[i])) return true;
    return false;
}

/* Widths as a terminal shows them: wide East Asian and emoji 2, combining marks 0. */
static void test_widths_in_a_utf8_locale(void **state)
{
    (void)state;
    if (!utf8_locale()) skip();
    assert_int_equal(svc_utf8_cp_width('a'), 1);
    assert_int_equal(svc_utf8_cp_width(0xE9), 1);      /* é */
    assert_int_equal(svc_utf8_cp_width(0x65E5), 2);    /* 日 */
    assert_int_equal(svc_utf8_cp_width(0xFF21), 2);    /* fullwidth A */
    assert_int_equal(svc_utf8_cp_width(0x1F600), 2);   /* 😀 */
    assert_int_equal(svc_utf8_cp_width(0x0301), 0);    /* combining acute */
    assert_int_equal(svc_utf8_cp_width(0x200B), 0);    /* zero width space */
    assert_int_equal(svc_utf8_cp_width(0xFFFD), 1);
    /* What is never printed as itself. */
    assert_int_equal(svc_utf8_cp_width(0), -1);
    assert_int_equal(svc_utf8_cp_width('\t'), -1);
    assert_int_equal(svc_utf8_cp_width(0x1B), -1);
    assert_int_equal(svc_utf8_cp_width(0x7F), -1);
    assert_int_equal(svc_utf8_cp_width(0x9B), -1);     /* C1 CSI */
    assert_int_equal(svc_utf8_cp_width(SVC_UTF8_BAD_BYTE + 0xFF), -1);

    assert_int_equal(svc_utf8_width("abc", 3), 3);
    assert_int_equal(svc_utf8_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 4);  /* 日本 */
    assert_int_equal(svc_utf8_width("e\xcc\x81", 3), 1);                  /* e + combining acute */
    assert_int_equal(svc_utf8_width("a\xff" "b", 3), 3);                 /* a bad byte counts 1 */
    assert_int_equal(svc_utf8_width("\x1b[1m", 4), 4);                    /* and so does a control */
    setlocale(LC_CTYPE, "C");
}

/* Without a UTF-8 locale only ASCII is printable as itself. */
static void test_widths_in_the_c_locale(void **state)
{
    (void)state;
    setlocale(LC_CTYPE, "C");
    assert_int_equal(svc_utf8_cp_width('a'), 1);
    assert_int_equal(svc_utf8_cp_width(0x65E5), -1);
    assert_int_equal(svc_utf8_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 2);
}

static void test_identifier_bytes(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        assert_int_equal(svc_ident_start_byte((unsigned char)c), letter || c >= 0x80);
        assert_int_equal(svc_ident_byte((unsigned char)c), letter || digit || c >= 0x80);
    }
    assert_true(svc_ident_name("billing_v2", 10));
    assert_true(svc_ident_name("_", 1));
    assert_true(svc_ident_name("caf\xc3\xa9", 5));
    assert_true(svc_ident_name("class", 5)); /* keywords are left to the caller */
    assert_false(svc_ident_name("", 0));
    assert_false(svc_ident_name("2fa", 3));
    assert_false(svc_ident_name("a-b", 3));
    assert_false(svc_ident_name("a.b", 3));
    assert_true(svc_ident_name("a b", 1)); /* only n bytes are read */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_and_decode_round_trip),
        cmocka_unit_test(test_encode_refuses_what_is_not_a_scalar_value),
        cmocka_unit_test(test_decode_malformed),
        cmocka_unit_test(test_valid_prefix_points_at_the_first_bad_byte),
        cmocka_unit_test(test_codepoints_and_repair),
        cmocka_unit_test(test_floor_and_ceil),
        cmocka_unit_test(test_widths_in_a_utf8_locale),
        cmocka_unit_test(test_widths_in_the_c_locale),
        cmocka_unit_test(test_identifier_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

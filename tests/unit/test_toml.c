/* Unit tests for src/core/toml.c: the TOML reader under pyproject.toml and config.toml. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "core/toml.h"

/* Parses text that must be valid; the caller frees the document. */
static svc_toml *parse_ok(const char *text)
{
    svc_toml *doc = NULL;
    svc_error err = SVC_ERROR_INIT;
    int rc = svc_toml_parse(&doc, "t.toml", text, strlen(text), &err);
    if (rc != SVC_OK) print_error("input:\n%s\nerror: %s\n", text, err.message);
    assert_int_equal(rc, SVC_OK);
    assert_non_null(doc);
    assert_null(svc_toml_problem_of(doc));
    return doc;
}

/* Parses text of `len` bytes that must fail with `message` and the problem `kind` on `line`;
 * returns the document as far as it was read (the caller frees it). */
static svc_toml *parse_bad_n(const char *text, size_t len, svc_toml_error kind, uint32_t line, const char *message)
{
    svc_toml *doc = NULL;
    svc_error err = SVC_ERROR_INIT;
    int rc = svc_toml_parse(&doc, "t.toml", text, len, &err);
    if (rc != SVC_ECONFIG || strcmp(err.message, message) != 0)
        print_error("input:\n%s\nwant: %s\ngot (%d): %s\n", text, message, rc, err.message);
    assert_int_equal(rc, SVC_ECONFIG);
    assert_string_equal(err.message, message);
    assert_non_null(doc);
    const svc_toml_problem *pr = svc_toml_problem_of(doc);
    assert_non_null(pr);
    assert_int_equal(pr->kind, kind);
    assert_int_equal(pr->line, line);
    return doc;
}

static svc_toml *parse_bad(const char *text, svc_toml_error kind, uint32_t line, const char *message)
{
    return parse_bad_n(text, strlen(text), kind, line, message);
}

static void expect_bad(const char *text, svc_toml_error kind, uint32_t line, const char *message)
{
    svc_toml_free(parse_bad(text, kind, line, message));
}

static const svc_toml_value *get(const svc_toml_value *table, const char *key)
{
    const svc_toml_value *v = svc_toml_get(table, key, strlen(key));
    if (!v) print_error("no key %s\n", key);
    assert_non_null(v);
    return v;
}

static void check_string(const svc_toml_value *table, const char *key, const char *want, size_t wantlen)
{
    const svc_toml_value *v = get(table, key);
    assert_int_equal(v->kind, SVC_TOML_STRING);
    assert_int_equal(v->slen, wantlen);
    assert_memory_equal(v->str, want, wantlen);
    assert_int_equal(v->str[wantlen], '\0');
}

static void test_strings_and_escapes(void **state)
{
    (void)state;
    svc_toml *doc = parse_ok("basic = \"a\\tb\\n\\\"q\\\" \\\\ \\b\\f\\r\"\n"
                             "unicode = \"\\u00E9\\U0001F600\\u0041\"\n"
                             "nul = \"a\\u0000b\"\n"
                             "literal = 'C:\\path\\n'\n"
                             "multi = \"\"\"\nline one \\\n    continued\n\"\"\"\n"
                             "multi_literal = '''\nraw \\n\n'''\n"
                             "\"quoted \\u0041 key\" = 1\n"
                             "'' = \"empty key\"\n");
    const svc_toml_value *root = svc_toml_root(doc);
    check_string(root, "basic", "a\tb\n\"q\" \\ \b\f\r", 13);
    check_string(root, "unicode", "\xc3\xa9\xf0\x9f\x98\x80" "A", 7);
    check_string(root, "nul", "a\0b", 3);
    check_string(root, "literal", "C:\\path\\n", 9);
    check_string(root, "multi", "line one continued\n", 19);
    check_string(root, "multi_literal", "raw \\n\n", 7);
    assert_int_equal(get(root, "quoted A key")->integer, 1);
    check_string(root, "", "empty key", 9);
    svc_toml_free(doc);
}

static void test_integers_booleans_and_others(void **state)
{
    (void)state;
    svc_toml *doc = parse_ok("a = 42\nb = -17\nc = +1_000\nd = 0xDEAD_beef\ne = 0o755\nf = 0b1101\n"
                             "max = 9223372036854775807\nmin = -9223372036854775808\n"
                             "yes = true\nno = false\nfl = 2.5\nwhen = 1979-05-27T07:32:00Z\n");
    const svc_toml_value *root = svc_toml_root(doc);
    static const struct { const char *key; long long want; } ints[] = {
        { "a", 42 }, { "b", -17 }, { "c", 1000 }, { "d", 0xDEADBEEF }, { "e", 0755 }, { "f", 13 },
        { "max", LLONG_MAX }, { "min", LLONG_MIN },
    };
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        const svc_toml_value *v = get(root, ints[i].key);
        assert_int_equal(v->kind, SVC_TOML_INTEGER);
        assert_true(v->integer == ints[i].want);
    }
    assert_int_equal(get(root, "yes")->kind, SVC_TOML_BOOLEAN);
    assert_true(get(root, "yes")->boolean);
    assert_false(get(root, "no")->boolean);
    assert_int_equal(get(root, "fl")->kind, SVC_TOML_OTHER);
    assert_int_equal(get(root, "when")->kind, SVC_TOML_OTHER);
    /* "got ..." shows a value as written */
    assert_string_equal(svc_toml_describe(doc, get(root, "when")), "1979-05-27T07:32:00Z");
    assert_string_equal(svc_toml_describe(doc, get(root, "c")), "+1_000");
    svc_toml_free(doc);
}

/* Tables say how they came to be, and every value where it is written. */
static void test_tables_origins_and_places(void **state)
{
    (void)state;
    svc_toml *doc = parse_ok("# settings\n"
                             "top = 1\n"
                             "dotted.inner = \"x\"\n"
                             "inline = { a = 1, b.c = [1, 2] }\n"
                             "\n"
                             "[tool.svcscope]\n"
                             "  select = [\"SVC2\", 'SVC3']\n"
                             "[[runs]]\n"
                             "n = 1\n"
                             "[[runs]]\n"
                             "n = 2\n");
    const svc_toml_value *root = svc_toml_root(doc);
    assert_int_equal(root->origin, SVC_TOML_DOCUMENT);

    const svc_toml_value *top = get(root, "top");
    assert_int_equal(top->line, 2);
    assert_int_equal(top->column, 7);
    assert_int_equal(top->origin, SVC_TOML_WRITTEN);

    const svc_toml_value *dotted = get(root, "dotted");
    assert_int_equal(dotted->kind, SVC_TOML_TABLE);
    assert_int_equal(dotted->origin, SVC_TOML_DOTTED);
    assert_int_equal(dotted->line, 3);
    assert_string_equal(svc_toml_describe(doc, dotted), "a table");
    check_string(dotted, "inner", "x", 1);

    const svc_toml_value *inl = get(root, "inline");
    assert_int_equal(inl->kind, SVC_TOML_TABLE);
    assert_int_equal(inl->origin, SVC_TOML_WRITTEN);
    assert_string_equal(svc_toml_describe(doc, inl), "{ a = 1, b.c = [1, 2] }");
    const svc_toml_value *c = get(get(inl, "b"), "c");
    assert_int_equal(c->kind, SVC_TOML_ARRAY);
    assert_int_equal(c->head->value->integer, 1);
    assert_int_equal(c->head->next->value->integer, 2);
    assert_null(c->head->next->next);

    const svc_toml_value *tool = get(root, "tool");
    assert_int_equal(tool->origin, SVC_TOML_IMPLICIT);
    assert_string_equal(tool->header, "tool.svcscope");
    assert_int_equal(tool->header_line, 6);
    const svc_toml_value *sec = get(tool, "svcscope");
    assert_int_equal(sec->origin, SVC_TOML_HEADER);
    assert_string_equal(sec->path, "tool.svcscope");
    assert_int_equal(sec->line, 6);
    const svc_toml_value *select = get(sec, "select");
    assert_int_equal(select->line, 7);
    assert_int_equal(select->column, 12);
    assert_int_equal(select->head->next->value->column, 21);
    svc_toml_free(doc);
}

static void test_arrays_of_tables(void **state)
{
    (void)state;
    svc_toml *doc = parse_ok("[[runs]]\nn = 1\n[runs.opts]\nx = 1\n[[runs]]\nn = 2\n");
    const svc_toml_value *runs = get(svc_toml_root(doc), "runs");
    assert_int_equal(runs->kind, SVC_TOML_ARRAY);
    assert_true(runs->aot);
    assert_true(runs->header_array);
    assert_string_equal(svc_toml_describe(doc, runs), "an array of tables");
    const svc_toml_value *first = runs->head->value, *second = runs->head->next->value;
    assert_int_equal(get(first, "n")->integer, 1);
    assert_int_equal(get(get(first, "opts"), "x")->integer, 1);
    assert_int_equal(get(second, "n")->integer, 2);
    assert_int_equal(second->line, 5);
    svc_toml_free(doc);
}

/* A byte order mark is not part of the document. */
static void test_byte_order_mark(void **state)
{
    (void)state;
    svc_toml *doc = parse_ok("\xEF\xBB\xBFkey = \"v\"\n");
    check_string(svc_toml_root(doc), "key", "v", 1);
    assert_int_equal(get(svc_toml_root(doc), "key")->column, 7);
    svc_toml_free(doc);
}

static void test_duplicates_and_conflicts(void **state)
{
    (void)state;
    svc_toml *doc = parse_bad("[keys]\nquit = \"q\"\n\nquit = \"x\"\n", SVC_TOML_EDUPLICATE, 4,
                              "t.toml:4: quit: defined twice in [keys] (first on line 2)");
    const svc_toml_problem *pr = svc_toml_problem_of(doc);
    assert_string_equal(pr->table, "keys");
    assert_string_equal(pr->key, "quit");
    assert_int_equal(pr->first_line, 2);
    assert_null(pr->header);
    svc_toml_free(doc);

    doc = parse_bad("a = 1\n\"a\" = 2\n", SVC_TOML_EDUPLICATE, 2, "t.toml:2: a: defined twice (first on line 1)");
    assert_string_equal(svc_toml_problem_of(doc)->table, "");
    svc_toml_free(doc);

    doc = parse_bad("[a]\nx = 1\n[b]\n[ a ]\n", SVC_TOML_ETABLE, 4, "t.toml:4: [a] is defined twice (first on line 1)");
    pr = svc_toml_problem_of(doc);
    assert_string_equal(pr->table, "a");
    assert_string_equal(pr->header, "a");
    assert_false(pr->header_array);
    svc_toml_free(doc);

    expect_bad("[a]\nb.c = 1\n[a.b]\n", SVC_TOML_ETABLE, 3, "t.toml:3: [a.b] is defined twice (first on line 2)");
    expect_bad("[a.b]\nx = 1\n[a]\nb.y = 2\n", SVC_TOML_ECONFLICT, 4,
               "t.toml:4: a.b: conflicts with the definition on line 1");
    expect_bad("a = { x = 1 }\na.y = 2\n", SVC_TOML_ECONFLICT, 2,
               "t.toml:2: a: cannot add to the inline value from line 1");
    expect_bad("a = { x = 1 }\n[a.b]\n", SVC_TOML_ECONFLICT, 2,
               "t.toml:2: [a.b]: cannot add to the inline value a from line 1");
    doc = parse_bad("a = 1\n[[a]]\n", SVC_TOML_ECONFLICT, 2, "t.toml:2: [[a]] conflicts with the definition on line 1");
    assert_true(svc_toml_problem_of(doc)->header_array);
    svc_toml_free(doc);
    expect_bad("x = { a = 1, a = 2 }\n", SVC_TOML_EDUPLICATE, 1,
               "t.toml:1: a: defined twice in [x] (first on line 1)");
}

/* Escapes the grammar knows but Unicode does not; the others are syntax errors. */
static void test_bad_escapes(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        svc_toml_error kind;
        uint32_t line;
        const char *message;
    } cases[] = {
        { "a = 1\nb = \"x\\uD800y\"\n", SVC_TOML_EESCAPE, 2,
          "t.toml:2: not valid TOML: \\uD800 is not a Unicode scalar value" },
        { "a = \"\\uDFFF\"\n", SVC_TOML_EESCAPE, 1, "t.toml:1: not valid TOML: \\uDFFF is not a Unicode scalar value" },
        { "a = \"\\U00110000\"\n", SVC_TOML_EESCAPE, 1,
          "t.toml:1: not valid TOML: \\U00110000 is not a Unicode scalar value" },
        { "\"k\\uD800\" = 1\n", SVC_TOML_EESCAPE, 1, "t.toml:1: not valid TOML: \\uD800 is not a Unicode scalar value" },
        { "a = \"x\\qy\"\n", SVC_TOML_ESYNTAX, 1, "t.toml:1: not valid TOML near \"a = \\\"x\\\\qy\\\"\"" },
        { "a = \"\\u12\"\n", SVC_TOML_ESYNTAX, 1, "t.toml:1: not valid TOML near \"a = \\\"\\\\u12\\\"\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_bad(cases[i].text, cases[i].kind, cases[i].line, cases[i].message);
}

static void test_encoding_and_syntax(void **state)
{
    (void)state;
    expect_bad("a = 1\n# caf\xe9\n", SVC_TOML_EENCODING, 2, "t.toml:2: not valid UTF-8");
    expect_bad("a = \"\xed\xa0\x80\"\n", SVC_TOML_EENCODING, 1, "t.toml:1: not valid UTF-8");
    svc_toml_free(parse_bad_n("a = 1\n\nb = \"\0\"\n", 15, SVC_TOML_EENCODING, 3,
                              "t.toml:3: not valid TOML: the file contains a NUL byte"));
    expect_bad("a = 1\nb = \"open\n", SVC_TOML_ESYNTAX, 2, "t.toml:2: not valid TOML near \"b = \\\"open\"");
    expect_bad("a = 1\n[tool.x\n", SVC_TOML_ESYNTAX, 2, "t.toml:2: not valid TOML near \"[tool.x\"");
    expect_bad("[tool.x\nb = []\n", SVC_TOML_ESYNTAX, 1, "t.toml:1: not valid TOML after \"[tool.x\"");
    expect_bad("a = 99999999999999999999\n", SVC_TOML_ERANGE, 1,
               "t.toml:1: not valid TOML: 99999999999999999999 does not fit in a 64-bit integer");
    expect_bad("a = -9223372036854775809\n", SVC_TOML_ERANGE, 1,
               "t.toml:1: not valid TOML: -9223372036854775809 does not fit in a 64-bit integer");
}

static void test_nesting_limit(void **state)
{
    (void)state;
    svc_buf b = { 0 };
    svc_buf_puts(&b, "a = ");
    for (int i = 0; i < 300; i++) svc_buf_putc(&b, '[');
    for (int i = 0; i < 300; i++) svc_buf_putc(&b, ']');
    svc_buf_putc(&b, '\n');
    expect_bad(b.data, SVC_TOML_EDEPTH, 1, "t.toml:1: values nested more than 256 deep are not supported");
    svc_buf_free(&b);
}

/* After an error, what came before is there, and the refused value is marked as such. */
static void test_document_read_up_to_an_error(void **state)
{
    (void)state;
    svc_toml *doc = parse_bad("theme = \"mono\"\n[keys]\nquit = \"q\"\nzoom = [\"z\", \"\\uD800\"]\nnever = 1\n",
                              SVC_TOML_EESCAPE, 4, "t.toml:4: not valid TOML: \\uD800 is not a Unicode scalar value");
    const svc_toml_value *root = svc_toml_root(doc);
    check_string(root, "theme", "mono", 4);
    const svc_toml_value *keys = get(root, "keys");
    check_string(keys, "quit", "q", 1);
    const svc_toml_value *zoom = get(keys, "zoom");
    assert_int_equal(zoom->kind, SVC_TOML_ARRAY);
    assert_false(zoom->refused);
    assert_false(zoom->head->value->refused);
    assert_true(zoom->head->next->value->refused);
    assert_int_equal(zoom->head->next->value->kind, SVC_TOML_STRING);
    assert_null(svc_toml_get(keys, "never", 5));
    svc_toml_free(doc);

    doc = parse_bad("n = 99999999999999999999\n", SVC_TOML_ERANGE, 1,
                    "t.toml:1: not valid TOML: 99999999999999999999 does not fit in a 64-bit integer");
    const svc_toml_value *n = get(svc_toml_root(doc), "n");
    assert_int_equal(n->kind, SVC_TOML_INTEGER);
    assert_true(n->refused);
    svc_toml_free(doc);
}

/* Schemas word their own complaints with the document's path and a line. */
static void test_fail_and_quote(void **state)
{
    (void)state;
    svc_error err = SVC_ERROR_INIT;
    svc_toml *doc = NULL;
    assert_int_equal(svc_toml_parse(&doc, "dir/x.toml", "", 0, &err), SVC_OK);
    assert_int_equal(svc_toml_fail(doc, 7, "%s: %d", "key", 3), SVC_ECONFIG);
    assert_int_equal(err.code, SVC_ECONFIG);
    assert_string_equal(err.message, "dir/x.toml:7: key: 3");
    assert_string_equal(svc_toml_quote(doc, "a\"b\\c\nd\te\x01", 10), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
    /* A long string is cut on a character boundary. */
    char long_text[120];
    memset(long_text, 'x', sizeof long_text);
    memcpy(long_text + 59, "\xc3\xa9", 2);
    const char *q = svc_toml_quote(doc, long_text, sizeof long_text);
    assert_int_equal(strlen(q), 1 + 59 + 3 + 1);
    assert_string_equal(q + 60, "...\"");
    svc_toml_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings_and_escapes),
        cmocka_unit_test(test_integers_booleans_and_others),
        cmocka_unit_test(test_tables_origins_and_places),
        cmocka_unit_test(test_arrays_of_tables),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_duplicates_and_conflicts),
        cmocka_unit_test(test_bad_escapes),
        cmocka_unit_test(test_encoding_and_syntax),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_document_read_up_to_an_error),
        cmocka_unit_test(test_fail_and_quote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

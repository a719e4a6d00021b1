/* Unit tests for src/core/user_config.c: the explorer's preferences in $XDG_CONFIG_HOME. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svcscope/user_config.h"
#include "svcscope/util.h"
#include "testlib.h"

static int parse(svc_user_config *uc, const char *text, svc_error *err)
{
    svc_user_config_init(uc);
    svc_error_clear(err);
    return svc_user_config_parse(uc, "config.toml", text, strlen(text), err);
}

static void expect_ok(svc_user_config *uc, const char *text)
{
    svc_error err = SVC_ERROR_INIT;
    int rc = parse(uc, text, &err);
    if (rc != SVC_OK) print_error("input:\n%s\nerror: %s\n", text, err.message);
    assert_int_equal(rc, SVC_OK);
    assert_string_equal(uc->source_file, "config.toml");
}

/* Must fail with exactly `message` and leave the defaults. */
static void expect_error(const char *text, const char *message)
{
    svc_user_config uc;
    svc_error err = SVC_ERROR_INIT;
    int rc = parse(&uc, text, &err);
    if (rc != SVC_ECONFIG || strcmp(err.message, message) != 0)
        print_error("input:\n%s\nwant: %s\ngot (%d): %s\n", text, message, rc, err.message);
    assert_int_equal(rc, SVC_ECONFIG);
    assert_string_equal(err.message, message);
    assert_int_equal(uc.theme, SVC_THEME_DEFAULT);
    assert_false(uc.theme_set);
    assert_int_equal(uc.nkeys, 0);
    assert_null(uc.keys);
    assert_null(uc.source_file);
    svc_user_config_free(&uc);
}

static void test_empty_file_is_defaults(void **state)
{
    (void)state;
    svc_user_config uc;
    expect_ok(&uc, "# nothing yet\n\n");
    assert_int_equal(uc.theme, SVC_THEME_DEFAULT);
    assert_false(uc.theme_set);
    assert_int_equal(uc.nkeys, 0);
    svc_user_config_free(&uc);
}

static void test_theme(void **state)
{
    (void)state;
    static const struct { const char *text; svc_theme want; } cases[] = {
        { "theme = \"default\"\n", SVC_THEME_DEFAULT },
        { "theme = \"mono\"\n", SVC_THEME_MONO },
        { "theme = 'light'  # a literal string\n", SVC_THEME_LIGHT },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        svc_user_config uc;
        expect_ok(&uc, cases[i].text);
        assert_int_equal(uc.theme, cases[i].want);
        assert_true(uc.theme_set);
        assert_int_equal(uc.theme_line, 1);
        svc_user_config_free(&uc);
    }
    svc_theme t;
    assert_true(svc_theme_parse("mono", &t));
    assert_int_equal(t, SVC_THEME_MONO);
    assert_false(svc_theme_parse("dark", &t));
    assert_string_equal(svc_theme_name(SVC_THEME_LIGHT), "light");
}

static void test_watch(void **state)
{
    (void)state;
    svc_user_config uc;
    expect_ok(&uc, "# nothing\n");
    assert_true(uc.watch);
    svc_user_config_free(&uc);
    expect_ok(&uc, "watch = false\n");
    assert_false(uc.watch);
    svc_user_config_free(&uc);
    expect_ok(&uc, "watch = true\n");
    assert_true(uc.watch);
    svc_user_config_free(&uc);
    expect_error("watch = \"no\"\n", "config.toml:1: watch: expected true or false, got \"no\"");
}

static void test_keys_table(void **state)
{
    (void)state;
    svc_user_config uc;
    expect_ok(&uc, "theme = \"mono\"\n"
                   "\n"
                   "[keys]\n"
                   "quit = \"q <C-c>\"\n"
                   "NEXT_PANE = [\"<Tab>\", \"w\"]   # arrays of names too\n"
                   "\"move-down\" = \"  j\\t<Down>  \"\n"
                   "zoom = \"\"\n"
                   "help = []\n");
    assert_int_equal(uc.theme, SVC_THEME_MONO);
    assert_int_equal(uc.nkeys, 5);
    assert_string_equal(uc.keys[0].request, "quit");
    assert_string_equal(uc.keys[0].keys, "q <C-c>");
    assert_int_equal(uc.keys[0].line, 4);
    assert_string_equal(uc.keys[1].request, "next-pane");
    assert_string_equal(uc.keys[1].keys, "<Tab> w");
    assert_string_equal(uc.keys[2].request, "move-down");
    assert_string_equal(uc.keys[2].keys, "j <Down>");
    assert_string_equal(uc.keys[3].keys, "");
    assert_string_equal(uc.keys[4].keys, "");

    /* Looked up however the request is written. */
    assert_ptr_equal(svc_user_config_key(&uc, "NEXT_PANE"), &uc.keys[1]);
    assert_ptr_equal(svc_user_config_key(&uc, "next_pane"), &uc.keys[1]);
    assert_ptr_equal(svc_user_config_key(&uc, "next-pane"), &uc.keys[1]);
    assert_null(svc_user_config_key(&uc, "filter"));
    svc_user_config_free(&uc);
}

static void test_keys_other_spellings(void **state)
{
    (void)state;
    svc_user_config uc;
    expect_ok(&uc, "keys.quit = \"Q\"\nkeys.filter = \"/\"\n");
    assert_int_equal(uc.nkeys, 2);
    assert_string_equal(svc_user_config_key(&uc, "QUIT")->keys, "Q");
    svc_user_config_free(&uc);

    expect_ok(&uc, "keys = { quit = \"x\", edit = \"E\" }\n");
    assert_int_equal(uc.nkeys, 2);
    assert_string_equal(svc_user_config_key(&uc, "edit")->keys, "E");
    svc_user_config_free(&uc);

    /* Escapes and the multi-line forms decode like TOML says. */
    expect_ok(&uc, "[keys]\nfilter = \"\\u002F\"\nquit = '''\nq\n'''\n");
    assert_string_equal(svc_user_config_key(&uc, "filter")->keys, "/");
    assert_string_equal(svc_user_config_key(&uc, "quit")->keys, "q");
    svc_user_config_free(&uc);
}

static void test_errors_name_line_and_key(void **state)
{
    (void)state;
    expect_error("theme = \"dark\"\n", "config.toml:1: theme: \"dark\" is not a theme (default, mono or light)");
    expect_error("\ntheme = 3\n", "config.toml:2: theme: expected a string (\"default\", \"mono\" or \"light\"), got 3");
    expect_error("theme = \"mono\"\ntheme = \"light\"\n", "config.toml:2: theme: defined twice (first on line 1)");
    expect_error("colour = \"red\"\n", "config.toml:1: unknown key \"colour\" (known: theme, watch, and the [keys] and [layout] tables)");
    expect_error("[colors]\nx = 1\n", "config.toml:1: unknown table [colors] (known: [keys])");
    expect_error("[keys]\nquit = \"q\"\n[keys]\n", "config.toml:3: [keys] is defined twice");
    expect_error("[keys]\nquit = 1\n", "config.toml:2: keys: quit: expected a string of key names (like \"q <C-c>\"), got 1");
    expect_error("[keys]\nquit = [\"q\", 2]\n", "config.toml:2: keys: quit: expected key names in a string, got 2");
    expect_error("[keys]\nquit = [\"q\", \" \"]\n", "config.toml:2: keys: quit: an empty key name in the array");
    expect_error("[keys]\nquit = \"q\"\nQUIT = \"x\"\n", "config.toml:3: keys: QUIT is defined twice (first on line 2)");
    expect_error("[keys]\n\"a b\" = \"q\"\n",
                 "config.toml:2: keys: \"a b\" is not a request name (like \"next-pane\"; `?` in svcscope lists them)");
    expect_error("[keys]\ntree.quit = \"q\"\n", "config.toml:2: keys: a request name cannot be dotted");
    expect_error("keys = \"q\"\n", "config.toml:1: keys: expected a table ([keys] with request = \"keys\" lines)");
    expect_error("[[keys]]\n", "config.toml:1: unknown array of tables (known: theme, watch, and the [keys] and [layout] tables)");
    expect_error("theme = \"mono\n", "config.toml:1: not valid TOML");
    expect_error("[keys]\nquit = \"\\uD800\"\n", "config.toml:2: not valid TOML: a bad escape in a string");
}

/* The first error in the file is the one reported, whether the TOML reader or this file's
 * rules find it, and a key is judged before its value. */
static void test_errors_in_file_order(void **state)
{
    (void)state;
    /* [keys.a.b] adds to the keys table of line 1, but comes after line 2 */
    expect_error("keys.quit = \"Q\"\nper-file = 1\n[keys.a.b]\n",
                 "config.toml:2: unknown key \"per-file\" (known: theme, watch, and the [keys] and [layout] tables)");
    expect_error("[keys]\nquit = \"q\"\n[keys.sub]\nx = 1\n", "config.toml:3: unknown table [keys.sub] (known: [keys])");
    expect_error("[a.b]\n[a]\n", "config.toml:1: unknown table [a.b] (known: [keys])");
    expect_error("[[x.y]]\n", "config.toml:1: unknown array of tables (known: theme, watch, and the [keys] and [layout] tables)");
    expect_error("keys = {}\n[[keys]]\n", "config.toml:2: unknown array of tables (known: theme, watch, and the [keys] and [layout] tables)");
    /* The same key twice, and the same request spelled twice */
    expect_error("[keys]\nquit = \"q\"\nquit = \"x\"\n", "config.toml:3: keys: quit is defined twice (first on line 2)");
    expect_error("keys = {}\nkeys = {}\n", "config.toml:2: keys: defined twice");
    expect_error("keys = { quit = \"q\", \"QUIT\" = \"x\" }\n", "config.toml:1: keys: QUIT is defined twice (first on line 1)");
    /* The key before its value; the value's type before what the reader made of it */
    expect_error("colour = \"\\uD800\"\n", "config.toml:1: unknown key \"colour\" (known: theme, watch, and the [keys] and [layout] tables)");
    expect_error("theme = 99999999999999999999\n",
                 "config.toml:1: theme: expected a string (\"default\", \"mono\" or \"light\"), got 99999999999999999999");
    expect_error("[keys]\nquit = [2, \"\\uD800\"]\n", "config.toml:2: keys: quit: expected key names in a string, got 2");
    expect_error("keys = { quit = \"q\", zoom = \"\\uD800\" }\n", "config.toml:1: not valid TOML: a bad escape in a string");
    expect_error("[keys]\nquit = \"\\uD800\"\n[colors]\n", "config.toml:2: not valid TOML: a bad escape in a string");
    /* NUL is no part of a name or a value */
    expect_error("theme = \"a\\u0000b\"\n", "config.toml:1: not valid TOML: a bad escape in a string");
    expect_error("[keys]\n\"a\\u0000\" = \"q\"\n", "config.toml:2: not valid TOML: a bad escape in a string");
    /* Dotted keys below theme and keys */
    expect_error("keys.a.b = 1\n", "config.toml:1: unknown key \"keys\" (known: theme, watch, and the [keys] and [layout] tables)");
    expect_error("theme.x = 1\n", "config.toml:1: unknown key \"theme\" (known: theme, watch, and the [keys] and [layout] tables)");
    /* TOML is UTF-8 */
    expect_error("# caf\xe9\n", "config.toml:1: not valid UTF-8");
}

static void test_failed_parse_keeps_previous(void **state)
{
    (void)state;
    svc_user_config uc;
    expect_ok(&uc, "theme = \"light\"\n");
    svc_error err = SVC_ERROR_INIT;
    const char *bad = "theme = \"nope\"\n";
    assert_int_equal(svc_user_config_parse(&uc, "config.toml", bad, strlen(bad), &err), SVC_ECONFIG);
    assert_int_equal(uc.theme, SVC_THEME_LIGHT);
    svc_user_config_free(&uc);
}

static void test_path_and_load(void **state)
{
    (void)state;
    char *dir = tl_tempdir();
    /* The folders come from the caller (the program reads the environment, the core does not). */
    svc_user_dirs dirs = { .config_home = dir };
    char *path = svc_user_config_path(&dirs);
    char *want = svc_xasprintf("%s/svcscope/config.toml", dir);
    assert_string_equal(path, want);
    free(path);
    free(want);

    /* No file: defaults, no error. */
    svc_user_config uc;
    svc_user_config_init(&uc);
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_user_config_load(&uc, &dirs, &err), SVC_OK);
    assert_null(uc.source_file);

    tl_write(dir, "svcscope/config.toml", "theme = \"mono\"\n[keys]\nquit = \"x\"\n");
    assert_int_equal(svc_user_config_load(&uc, &dirs, &err), SVC_OK);
    assert_int_equal(uc.theme, SVC_THEME_MONO);
    assert_int_equal(uc.nkeys, 1);
    assert_non_null(strstr(uc.source_file, "/svcscope/config.toml"));
    svc_user_config_free(&uc);

    /* An error names the whole path. */
    tl_write(dir, "svcscope/config.toml", "\nthema = \"mono\"\n");
    assert_int_equal(svc_user_config_load(&uc, &dirs, &err), SVC_ECONFIG);
    want = svc_xasprintf("%s/svcscope/config.toml:2: unknown key \"thema\"", dir);
    assert_true(strncmp(err.message, want, strlen(want)) == 0);
    free(want);

    /* A relative XDG_CONFIG_HOME is ignored (XDG spec): $HOME/.config is used. */
    dirs.config_home = "relative/dir";
    dirs.home = dir;
    path = svc_user_config_path(&dirs);
    want = svc_xasprintf("%s/.config/svcscope/config.toml", dir);
    assert_string_equal(path, want);
    free(path);
    free(want);
    /* Neither set: no file, defaults. */
    svc_user_dirs none = { 0 };
    assert_null(svc_user_config_path(&none));
    assert_null(svc_user_config_path(NULL));
    assert_int_equal(svc_user_config_load(&uc, &none, &err), SVC_OK);

    tl_rmrf(dir);
    free(dir);
}

/* The settings file's text, read back. */
static char *settings(const char *dir)
{
    return tl_read(dir, "svcscope/config.toml");
}

static void test_save_layout(void **state)
{
    (void)state;
    char *dir = tl_tempdir();
    svc_user_dirs dirs = { .config_home = dir };
    svc_error err = SVC_ERROR_INIT;
    svc_user_config uc;
    svc_user_config_init(&uc);

    /* No file (no folder either): one with the table. */
    assert_int_equal(svc_user_config_save_layout(&dirs, &(svc_layout_sizes){ 30, 0, 0 }, &err), SVC_OK);
    char *text = settings(dir);
    assert_string_equal(text, "[layout]\ntree-width = 30\nbottom-height = \"auto\"\nproblems-width = \"auto\"\n");
    free(text);
    assert_int_equal(svc_user_config_load(&uc, &dirs, &err), SVC_OK);
    assert_int_equal(uc.layout.tree_width, 30);
    assert_int_equal(uc.layout.bottom_height, 0);

    /* The user's file: every other byte stays, the table goes at the end. */
    tl_write(dir, "svcscope/config.toml", "# mine\ntheme = \"mono\"  # dark room\n\n[keys]\nquit = \"q\"");
    assert_int_equal(svc_user_config_save_layout(&dirs, &(svc_layout_sizes){ 25, 45, 60 }, &err), SVC_OK);
    text = settings(dir);
    assert_string_equal(text, "# mine\ntheme = \"mono\"  # dark room\n\n[keys]\nquit = \"q\"\n\n[layout]\ntree-width = 25\n"
                              "bottom-height = 45\nproblems-width = 60\n");
    free(text);

    /* A table written by hand, with a comment and a table after it: values in place, the missing
     * key added to the table (not to the one after it). */
    tl_write(dir, "svcscope/config.toml", "[layout]\ntree-width = 40 # wide\n\n[keys]\nquit = \"q\"\n");
    assert_int_equal(svc_user_config_save_layout(&dirs, &(svc_layout_sizes){ 35, 50, 0 }, &err), SVC_OK);
    text = settings(dir);
    assert_string_equal(text, "[layout]\ntree-width = 35 # wide\nbottom-height = 50\nproblems-width = \"auto\"\n\n[keys]\nquit = \"q\"\n");
    free(text);
    assert_int_equal(svc_user_config_load(&uc, &dirs, &err), SVC_OK);
    assert_int_equal(uc.layout.tree_width, 35);
    assert_int_equal(uc.layout.bottom_height, 50);
    /* Saving the same sizes again changes nothing. */
    assert_int_equal(svc_user_config_save_layout(&dirs, &(svc_layout_sizes){ 35, 50, 0 }, &err), SVC_OK);
    text = settings(dir);
    assert_string_equal(text, "[layout]\ntree-width = 35 # wide\nbottom-height = 50\nproblems-width = \"auto\"\n\n[keys]\nquit = \"q\"\n");
    free(text);

    /* Forms it does not rewrite, and files it cannot read: refused, the file as it was. */
    const char *refused[] = { "layout = { tree-width = 30 }\n", "layout.tree-width = 30\n", "theme = \n" };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        tl_write(dir, "svcscope/config.toml", refused[i]);
        assert_int_equal(svc_user_config_save_layout(&dirs, &(svc_layout_sizes){ 30, 40, 0 }, &err), SVC_ECONFIG);
        text = settings(dir);
        assert_string_equal(text, refused[i]);
        free(text);
    }

    /* Out of range on reading: the line and the key. */
    tl_write(dir, "svcscope/config.toml", "[layout]\ntree-width = 95\n");
    assert_int_equal(svc_user_config_load(&uc, &dirs, &err), SVC_ECONFIG);
    assert_non_null(strstr(err.message, ":2: layout: tree-width: expected a percentage from 10 to 90"));
    svc_user_config_free(&uc);
    tl_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_file_is_defaults),
        cmocka_unit_test(test_theme),
        cmocka_unit_test(test_watch),
        cmocka_unit_test(test_keys_table),
        cmocka_unit_test(test_keys_other_spellings),
        cmocka_unit_test(test_errors_name_line_and_key),
        cmocka_unit_test(test_errors_in_file_order),
        cmocka_unit_test(test_failed_parse_keeps_previous),
        cmocka_unit_test(test_path_and_load),
        cmocka_unit_test(test_save_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

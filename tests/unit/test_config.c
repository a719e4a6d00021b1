/* Unit tests for src/core/config.c: reading [tool.svcscope] from pyproject.toml. */
/* mkdtemp is POSIX 2008; the autotools build already defines _GNU_SOURCE through config.h. */
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

#include "svcscope/config.h"
#include "svcscope/util.h"

/* ---- helpers ------------------------------------------------------------------ */

static int parse(svc_config *cfg, const char *text, svc_error *err)
{
    svc_config_init(cfg);
    svc_error_clear(err);
    return svc_config_parse(cfg, "pyproject.toml", text, strlen(text), err);
}

/* Parses text that must fail with exactly `message`, and checks nothing leaked into cfg. */
static void expect_error(const char *text, const char *message)
{
    svc_config cfg;
    svc_error err = SVC_ERROR_INIT;
    int rc = parse(&cfg, text, &err);
    if (rc != SVC_ECONFIG || strcmp(err.message, message) != 0)
        print_error("input:\n%s\nwant: %s\ngot (%d): %s\n", text, message, rc, err.message);
    assert_int_equal(rc, SVC_ECONFIG);
    assert_int_equal(err.code, SVC_ECONFIG);
    assert_string_equal(err.message, message);
    assert_null(cfg.source_file);
    assert_null(cfg.select);
    assert_int_equal(cfg.max_task_statements, 3);
    svc_config_free(&cfg);
}

static void expect_ok(svc_config *cfg, const char *text)
{
    svc_error err = SVC_ERROR_INIT;
    int rc = parse(cfg, text, &err);
    if (rc != SVC_OK) print_error("input:\n%s\nerror: %s\n", text, err.message);
    assert_int_equal(rc, SVC_OK);
}

static void assert_strv(char **v, size_t n, const char *const *want, size_t nwant)
{
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++) assert_string_equal(v[i], want[i]);
}

#define STRV(...) ((const char *const[]){__VA_ARGS__}), (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *))

static void assert_defaults(const svc_config *cfg)
{
    assert_null(cfg->services_root);
    assert_string_equal(cfg->tasks_service, "tasks");
    assert_int_equal(cfg->ntask_decorators, 0);
    assert_null(cfg->task_decorators);
    assert_int_equal(cfg->napps, 0);
    assert_false(cfg->apps_set);
    assert_int_equal(cfg->nglue_modules, 0);
    assert_int_equal(cfg->max_task_statements, 3);
    assert_null(cfg->select);
    assert_int_equal(cfg->nselect, 0);
    assert_int_equal(cfg->nignore, 0);
    assert_int_equal(cfg->nexclude, 0);
    assert_int_equal(cfg->nper_file_ignores, 0);
    assert_int_equal(cfg->max_file_size, 0);
    assert_null(cfg->source_file);
}

/* A temporary folder as a repo root; removed by rm_root. */
static char *make_root(const char *pyproject)
{
    char *dir = svc_xstrdup("/tmp/svcscope-config-XXXXXX");
    assert_non_null(mkdtemp(dir));
    if (pyproject) {
        char *path = svc_xasprintf("%s/pyproject.toml", dir);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(pyproject, f);
        fclose(f);
        free(path);
    }
    return dir;
}

static void rm_root(char *dir)
{
    char *path = svc_xasprintf("%s/pyproject.toml", dir);
    unlink(path);
    free(path);
    rmdir(dir);
    free(dir);
}

/* ---- defaults and loading ---------------------------------------------------- */

static void test_defaults(void **state)
{
    (void)state;
    svc_config cfg;
    svc_config_init(&cfg);
    assert_defaults(&cfg);
    svc_config_free(&cfg);
}

static void test_no_file_gives_defaults(void **state)
{
    (void)state;
    char *root = make_root(NULL);
    svc_config cfg;
    svc_error err = SVC_ERROR_INIT;
    svc_config_init(&cfg);
    assert_int_equal(svc_config_load(&cfg, root, &err), SVC_OK);
    assert_defaults(&cfg);
    svc_config_free(&cfg);
    rm_root(root);
}

static void test_file_without_section_gives_defaults(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[project]\nname = \"shop\"\n\n[tool.ruff]\nline-length = 100\nselect = [\"E501\"]\n");
    assert_defaults(&cfg);
    svc_config_free(&cfg);
}

static void test_empty_file(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "");
    assert_defaults(&cfg);
    svc_config_free(&cfg);
    expect_ok(&cfg, "# only a comment\n\n");
    assert_defaults(&cfg);
    svc_config_free(&cfg);
}

static void test_load_from_root(void **state)
{
    (void)state;
    char *root = make_root("[tool.svcscope]\nselect = [\"SVC4\"]\nmax-task-statements = 5\n");
    svc_config cfg;
    svc_error err = SVC_ERROR_INIT;
    svc_config_init(&cfg);
    assert_int_equal(svc_config_load(&cfg, root, &err), SVC_OK);
    assert_strv(cfg.select, cfg.nselect, STRV("SVC4"));
    assert_int_equal(cfg.max_task_statements, 5);
    assert_string_equal(cfg.source_file, "pyproject.toml");
    svc_config_free(&cfg);

    /* A root given with a trailing slash finds the same file. */
    char *slashed = svc_xasprintf("%s/", root);
    svc_config_init(&cfg);
    assert_int_equal(svc_config_load(&cfg, slashed, &err), SVC_OK);
    assert_int_equal(cfg.max_task_statements, 5);
    svc_config_free(&cfg);
    free(slashed);
    rm_root(root);
}

static void test_load_error_names_root_relative_file(void **state)
{
    (void)state;
    char *root = make_root("[tool.svcscope]\n\nmax-task-statements = \"three\"\n");
    svc_config cfg;
    svc_error err = SVC_ERROR_INIT;
    svc_config_init(&cfg);
    assert_int_equal(svc_config_load(&cfg, root, &err), SVC_ECONFIG);
    assert_string_equal(err.message, "pyproject.toml:3: max-task-statements: expected a whole number >= 0, got \"three\"");
    assert_int_equal(cfg.max_task_statements, 3);
    svc_config_free(&cfg);
    rm_root(root);
}

static void test_load_unreadable_is_io_error(void **state)
{
    (void)state;
    /* pyproject.toml that is a folder cannot be read: not a silent default. */
    char *root = make_root(NULL);
    char *path = svc_xasprintf("%s/pyproject.toml", root);
    assert_int_equal(mkdir(path, 0700), 0);
    svc_config cfg;
    svc_error err = SVC_ERROR_INIT;
    svc_config_init(&cfg);
    assert_int_equal(svc_config_load(&cfg, root, &err), SVC_EIO);
    assert_non_null(strstr(err.message, "pyproject.toml: cannot read"));
    svc_config_free(&cfg);
    rmdir(path);
    free(path);
    rm_root(root);
}

/* ---- each key ---------------------------------------------------------------- */

static void test_all_keys(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg,
              "[project]\n"
              "name = \"shop\"\n"
              "\n"
              "[tool.svcscope]\n"
              "services-root = \"backend/services\"\n"
              "tasks-service = \"jobs\"\n"
              "task-decorators = [\"instrumented_task\", \"app.periodic_task\"]\n"
              "apps = [\"orders\", \"backend/billing\"]\n"
              "glue-modules = [\"selectors\", \"dto\"]\n"
              "max-task-statements = 5\n"
              "select = [\"SVC2\", \"SVC401\"]\n"
              "dispatch-functions = [\"myapp.celery_utils.dispatch\"]\n"
              "ignore = [\"SVC106\"]\n"
              "exclude = [\"migrations\", \"legacy/**\"]\n"
              "\n"
              "[tool.svcscope.per-file-ignores]\n"
              "\"tests/*\" = [\"SVC201\", \"SVC202\"]\n"
              "\"scripts/**\" = [\"SVC4\"]\n");
    assert_string_equal(cfg.services_root, "backend/services");
    assert_string_equal(cfg.tasks_service, "jobs");
    assert_strv(cfg.task_decorators, cfg.ntask_decorators, STRV("instrumented_task", "app.periodic_task"));
    assert_strv(cfg.apps, cfg.napps, STRV("orders", "backend/billing"));
    assert_true(cfg.apps_set);
    assert_strv(cfg.glue_modules, cfg.nglue_modules, STRV("selectors", "dto"));
    assert_int_equal(cfg.max_task_statements, 5);
    assert_strv(cfg.select, cfg.nselect, STRV("SVC2", "SVC401"));
    assert_strv(cfg.dispatch_functions, cfg.ndispatch_functions, STRV("myapp.celery_utils.dispatch"));
    assert_strv(cfg.ignore, cfg.nignore, STRV("SVC106"));
    assert_strv(cfg.exclude, cfg.nexclude, STRV("migrations", "legacy/**"));
    assert_int_equal(cfg.nper_file_ignores, 2);
    assert_string_equal(cfg.per_file_ignores[0].glob, "tests/*");
    assert_strv(cfg.per_file_ignores[0].codes, cfg.per_file_ignores[0].ncodes, STRV("SVC201", "SVC202"));
    assert_string_equal(cfg.per_file_ignores[1].glob, "scripts/**");
    assert_strv(cfg.per_file_ignores[1].codes, cfg.per_file_ignores[1].ncodes, STRV("SVC4"));
    assert_string_equal(cfg.source_file, "pyproject.toml");
    svc_config_free(&cfg);
}

static void test_absent_keys_keep_defaults(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[tool.svcscope]\nselect = [\"SVC1\"]\n");
    assert_strv(cfg.select, cfg.nselect, STRV("SVC1"));
    assert_null(cfg.services_root);
    assert_string_equal(cfg.tasks_service, "tasks");
    assert_int_equal(cfg.max_task_statements, 3);
    assert_false(cfg.apps_set);
    assert_int_equal(cfg.nexclude, 0);
    assert_string_equal(cfg.source_file, "pyproject.toml");
    svc_config_free(&cfg);
}

static void test_empty_section(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[tool.svcscope]\n");
    assert_string_equal(cfg.source_file, "pyproject.toml");
    assert_int_equal(cfg.max_task_statements, 3);
    svc_config_free(&cfg);
}

static void test_empty_apps_still_set(void **state)
{
    (void)state;
    /* `apps = []` says "no Django apps", which differs from "detect them". */
    svc_config cfg;
    expect_ok(&cfg, "[tool.svcscope]\napps = []\n");
    assert_true(cfg.apps_set);
    assert_int_equal(cfg.napps, 0);
    svc_config_free(&cfg);
}

static void test_codes_normalised(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[tool.svcscope]\nselect = [\"svc\", \"Svc2\", \"sVc201\"]\nignore = ['svc4']\n");
    assert_strv(cfg.select, cfg.nselect, STRV("SVC", "SVC2", "SVC201"));
    assert_strv(cfg.ignore, cfg.nignore, STRV("SVC4"));
    svc_config_free(&cfg);
}

static void test_paths_normalised(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg,
              "[tool.svcscope]\nservices-root = \"./src/services/\"\napps = [\"./orders/\", \"a/b\"]\n"
              "exclude = [\"./build\"]\ntask-decorators = [\"@shared_task_plus\"]\n");
    assert_string_equal(cfg.services_root, "src/services");
    assert_strv(cfg.apps, cfg.napps, STRV("orders", "a/b"));
    assert_strv(cfg.exclude, cfg.nexclude, STRV("build"));
    assert_strv(cfg.task_decorators, cfg.ntask_decorators, STRV("shared_task_plus"));
    svc_config_free(&cfg);
}

static void test_max_task_statements_forms(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[tool.svcscope]\nmax-task-statements = 0\n");
    assert_int_equal(cfg.max_task_statements, 0);
    svc_config_free(&cfg);
    expect_ok(&cfg, "[tool.svcscope]\nmax-task-statements = 1_0\n");
    assert_int_equal(cfg.max_task_statements, 10);
    svc_config_free(&cfg);
    expect_ok(&cfg, "[tool.svcscope]\nmax-task-statements = 0x10\n");
    assert_int_equal(cfg.max_task_statements, 16);
    svc_config_free(&cfg);
    expect_ok(&cfg, "[tool.svcscope]\nmax-task-statements = +7\n");
    assert_int_equal(cfg.max_task_statements, 7);
    svc_config_free(&cfg);
}

static void test_max_file_size_forms(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        uint64_t bytes;
    } forms[] = {
        { "1", 1 },
        { "10485760", 10485760 },
        { "0x100000", 1048576 },
        { "\"2048\"", 2048 },
        { "\"10 MiB\"", 10485760 },
        { "\"10MiB\"", 10485760 },
        { "\"10mb\"", 10485760 },
        { "\"512K\"", 524288 },
        { "\"512 kib\"", 524288 },
        { "\"1G\"", 1073741824 },
        { "\"1 GiB\"", 1073741824 },
        { "\"100 B\"", 100 },
        { "1073741824", 1073741824 },
    };
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        svc_config cfg;
        char *text = svc_xasprintf("[tool.svcscope]\nmax-file-size = %s\n", forms[i].value);
        expect_ok(&cfg, text);
        if (cfg.max_file_size != forms[i].bytes) print_error("max-file-size = %s\n", forms[i].value);
        assert_int_equal(cfg.max_file_size, forms[i].bytes);
        svc_config_free(&cfg);
        free(text);
    }
    svc_config cfg;
    expect_ok(&cfg, "[tool.svcscope]\nselect = [\"SVC\"]\n");
    assert_int_equal(cfg.max_file_size, 0); /* absent: the source's default */
    svc_config_free(&cfg);
}

static void test_error_max_file_size(void **state)
{
    (void)state;
    static const char *const range[] = { "0", "-1", "1073741825", "0x7fffffffffffffff" };
    for (size_t i = 0; i < sizeof range / sizeof *range; i++) {
        char *text = svc_xasprintf("[tool.svcscope]\nmax-file-size = %s\n", range[i]);
        char *want = svc_xasprintf("pyproject.toml:2: max-file-size: %s is out of range (1 byte to 1 GiB)", range[i]);
        expect_error(text, want);
        free(text);
        free(want);
    }
    static const char *const bad[] = { "\"lots\"", "\"0 MiB\"", "\"2 GiB\"", "\"1.5 MiB\"", "\"10 XB\"", "\"MiB\"",
                                       "\"\"", "\" 10\"", "\"10 MiB \"", "2.5", "true", "[1]", "{ a = 1 }",
                                       "\"99999999999999999999999\"" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *text = svc_xasprintf("[tool.svcscope]\nmax-file-size = %s\n", bad[i]);
        char *want = svc_xasprintf("pyproject.toml:2: max-file-size: expected a size such as 10485760 or \"10 MiB\" "
                                   "(1 byte to 1 GiB), got %s",
                                   bad[i][0] == '[' ? "[1]" : bad[i][0] == '{' ? "{ a = 1 }" : bad[i]);
        expect_error(text, want);
        free(text);
        free(want);
    }
}

static void test_parse_size(void **state)
{
    (void)state;
    uint64_t n = 0;
    assert_true(svc_config_parse_size("7", &n));
    assert_int_equal(n, 7);
    assert_true(svc_config_parse_size("3kb", &n));
    assert_int_equal(n, 3072);
    assert_true(svc_config_parse_size("20 MiB", &n));
    assert_int_equal(n, 20u << 20);
    assert_false(svc_config_parse_size(NULL, &n));
    assert_false(svc_config_parse_size("", &n));
    assert_false(svc_config_parse_size("-5", &n));
    assert_false(svc_config_parse_size("5 MiBs", &n));
    assert_false(svc_config_parse_size("1025 MiB", &n));
    assert_false(svc_config_parse_size("18446744073709551617", &n));
}

/* ---- TOML forms ---------------------------------------------------------------- */

static void test_dotted_key_at_top_level(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "tool.svcscope.select = [\"SVC2\"]\ntool.svcscope.max-task-statements = 2\n[project]\nname = \"x\"\n");
    assert_strv(cfg.select, cfg.nselect, STRV("SVC2"));
    assert_int_equal(cfg.max_task_statements, 2);
    assert_string_equal(cfg.source_file, "pyproject.toml");
    svc_config_free(&cfg);
}

static void test_dotted_key_under_tool(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[tool]\nsvcscope.select = [\"SVC3\"]\nsvcscope.per-file-ignores.\"a/*\" = [\"SVC1\"]\n");
    assert_strv(cfg.select, cfg.nselect, STRV("SVC3"));
    assert_int_equal(cfg.nper_file_ignores, 1);
    assert_string_equal(cfg.per_file_ignores[0].glob, "a/*");
    svc_config_free(&cfg);
}

static void test_spaced_and_quoted_keys(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[ tool . \"svcscope\" ]\n\"max-task-statements\" = 4\n'tasks-service' = \"bg\"\n");
    assert_int_equal(cfg.max_task_statements, 4);
    assert_string_equal(cfg.tasks_service, "bg");
    svc_config_free(&cfg);
}

static void test_inline_tables(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[tool.svcscope]\nper-file-ignores = { \"tests/*\" = [\"SVC201\"], 'docs/**' = [\"svc1\", \"SVC5\"] }\n");
    assert_int_equal(cfg.nper_file_ignores, 2);
    assert_string_equal(cfg.per_file_ignores[0].glob, "tests/*");
    assert_strv(cfg.per_file_ignores[0].codes, cfg.per_file_ignores[0].ncodes, STRV("SVC201"));
    assert_string_equal(cfg.per_file_ignores[1].glob, "docs/**");
    assert_strv(cfg.per_file_ignores[1].codes, cfg.per_file_ignores[1].ncodes, STRV("SVC1", "SVC5"));
    svc_config_free(&cfg);

    /* The whole section as an inline table. */
    expect_ok(&cfg, "[tool]\nsvcscope = { select = [\"SVC2\"], max-task-statements = 1 }\n");
    assert_strv(cfg.select, cfg.nselect, STRV("SVC2"));
    assert_int_equal(cfg.max_task_statements, 1);
    svc_config_free(&cfg);
}

static void test_comments_and_multiline_arrays(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg,
              "# svcscope settings\n"
              "[tool.svcscope]  # the section\n"
              "select = [  # open\n"
              "    \"SVC2\",  # imports\n"
              "    # a comment on its own line\n"
              "\n"
              "    \"SVC4\",\n"
              "]  # close\n"
              "exclude = [\n"
              "  \"migrations\"\n"
              "]\n"
              "ignore = []  # nothing\n");
    assert_strv(cfg.select, cfg.nselect, STRV("SVC2", "SVC4"));
    assert_strv(cfg.exclude, cfg.nexclude, STRV("migrations"));
    assert_int_equal(cfg.nignore, 0);
    svc_config_free(&cfg);
}

static void test_string_forms(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg,
              "[tool.svcscope]\n"
              "exclude = [\n"
              "  \"a\\\"b\",\n"        /* "a\"b"      */
              "  \"c\\\\d\",\n"        /* "c\\d"      */
              "  \"e\\nf\",\n"         /* "e\nf"      */
              "  \"caf\\u00e9\",\n"    /* "caf\u00e9" */
              "  \"\\U0001F600\",\n"   /* "\U0001F600" */
              "  'lit\\eral',\n"       /* 'lit\eral'  */
              "  \"\"\"\n"
              "multi \\\n"
              "     line\"\"\",\n"
              "  '''\n"
              "raw\\n'''\n"
              "]\n");
    assert_strv(cfg.exclude, cfg.nexclude,
                STRV("a\"b", "c\\d", "e\nf", "caf\xC3\xA9", "\xF0\x9F\x98\x80", "lit\\eral", "multi line", "raw\\n"));
    svc_config_free(&cfg);
}

static void test_other_tables_ignored(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg,
              "[build-system]\nrequires = [\"setuptools\"]\n"
              "[[tool.poetry.source]]\nname = \"a\"\n[[tool.poetry.source]]\nname = \"b\"\n"
              "[tool.ruff]\nwhatever = 1.5\ndate = 2024-01-02\nflag = true\n"
              "[tool.svcscope]\nselect = [\"SVC1\"]\n"
              "[tool.ruff.lint]\nselect = [\"E\"]\n");
    assert_strv(cfg.select, cfg.nselect, STRV("SVC1"));
    svc_config_free(&cfg);
}

static void test_bom_and_crlf(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "\xEF\xBB\xBF[tool.svcscope]\r\nselect = [\r\n  \"SVC2\",\r\n]\r\nmax-task-statements = 2\r\n");
    assert_strv(cfg.select, cfg.nselect, STRV("SVC2"));
    assert_int_equal(cfg.max_task_statements, 2);
    svc_config_free(&cfg);
}

/* ---- errors: svcscope keys ---------------------------------------------------- */

/* `baseline`: a file relative to the root, as `svcscope init --baseline` writes it. */
static void test_baseline_key(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[tool.svcscope]\nbaseline = \"./ci/svcscope-baseline.json\"\n");
    assert_string_equal(cfg.baseline, "ci/svcscope-baseline.json");
    assert_int_equal(svc_config_key_line(&cfg, "baseline"), 2);
    svc_config_free(&cfg);
    expect_ok(&cfg, "[tool.svcscope]\n");
    assert_null(cfg.baseline);
    svc_config_free(&cfg);
    expect_error("[tool.svcscope]\nbaseline = \"../elsewhere.json\"\n",
                 "pyproject.toml:2: baseline: \"../elsewhere.json\" is not a file inside the repository (write it "
                 "relative to the root, like \".svcscope-baseline.json\")");
    expect_error("[tool.svcscope]\nbaseline = true\n", "pyproject.toml:2: baseline: expected a string, got true");
}

static void test_error_max_task_statements(void **state)
{
    (void)state;
    expect_error("[project]\n"
                 "name = \"shop\"\n"
                 "version = \"1\"\n"
                 "\n"
                 "[tool.ruff]\n"
                 "line-length = 100\n"
                 "\n"
                 "[tool.svcscope]\n"
                 "select = [\"SVC2\"]\n"
                 "# budget\n"
                 "\n"
                 "max-task-statements = \"three\"\n",
                 "pyproject.toml:12: max-task-statements: expected a whole number >= 0, got \"three\"");
    expect_error("[tool.svcscope]\nmax-task-statements = -1\n",
                 "pyproject.toml:2: max-task-statements: expected a whole number >= 0, got -1");
    expect_error("[tool.svcscope]\nmax-task-statements = 2.5\n",
                 "pyproject.toml:2: max-task-statements: expected a whole number >= 0, got 2.5");
    expect_error("[tool.svcscope]\nmax-task-statements = true\n",
                 "pyproject.toml:2: max-task-statements: expected a whole number >= 0, got true");
    expect_error("[tool.svcscope]\nmax-task-statements = 3000000000\n",
                 "pyproject.toml:2: max-task-statements: 3000000000 is too large");
}

static void test_error_unknown_key_suggests(void **state)
{
    (void)state;
    expect_error("[project]\nname = \"x\"\n\n[tool.svcscope]\nservices-root = \"services\"\nselect = []\n"
                 "ignore = []\n# oops\nselct = [\"SVC2\"]\n",
                 "pyproject.toml:9: unknown key \"selct\" in [tool.svcscope] (did you mean \"select\"?)");
    expect_error("[tool.svcscope]\nmax_task_statements = 3\n",
                 "pyproject.toml:2: unknown key \"max_task_statements\" in [tool.svcscope] (did you mean \"max-task-statements\"?)");
    expect_error("[tool.svcscope]\nexlcude = []\n",
                 "pyproject.toml:2: unknown key \"exlcude\" in [tool.svcscope] (did you mean \"exclude\"?)");
    expect_error("[tool.svcscope]\ncolour = true\n",
                 "pyproject.toml:2: unknown key \"colour\" in [tool.svcscope] (known keys: services-root, "
                 "tasks-service, task-decorators, apps, glue-modules, max-task-statements, max-file-size, select, "
                 "ignore, exclude, extend-exclude, per-file-ignores, dispatch-functions, baseline)");
    expect_error("[tool.svcscope]\nmax_file_size = 1\n",
                 "pyproject.toml:2: unknown key \"max_file_size\" in [tool.svcscope] (did you mean \"max-file-size\"?)");
    /* A sub-table other than per-file-ignores is an unknown key too, at its header. */
    expect_error("[tool.svcscope]\nselect = []\n\n[tool.svcscope.per-file-ignore]\n\"a\" = []\n",
                 "pyproject.toml:4: unknown key \"per-file-ignore\" in [tool.svcscope] (did you mean \"per-file-ignores\"?)");
}

static void test_error_bad_codes(void **state)
{
    (void)state;
    expect_error("[tool.svcscope]\nselect = [\n  \"SVC2\",\n  \"E501\",\n]\n",
                 "pyproject.toml:4: select: \"E501\" is not an svcscope rule code (SVC100..SVC900)");
    expect_error("[tool.svcscope]\nignore = [\"SVC1011\"]\n",
                 "pyproject.toml:2: ignore: \"SVC1011\" is not an svcscope rule code (SVC100..SVC900)");
    expect_error("[tool.svcscope]\nignore = [\"SVC-201\"]\n",
                 "pyproject.toml:2: ignore: \"SVC-201\" is not an svcscope rule code (SVC100..SVC900)");
    expect_error("[tool.svcscope]\nselect = [\"\"]\n",
                 "pyproject.toml:2: select: \"\" is not an svcscope rule code (SVC100..SVC900)");
    expect_error("[tool.svcscope.per-file-ignores]\n\"tests/*\" = [\"SVC201\", \"F401\"]\n",
                 "pyproject.toml:2: per-file-ignores: \"tests/*\": \"F401\" is not an svcscope rule code (SVC100..SVC900)");
}

static void test_error_wrong_types(void **state)
{
    (void)state;
    expect_error("[tool.svcscope]\nselect = \"SVC2\"\n",
                 "pyproject.toml:2: select: expected an array of strings, got \"SVC2\"");
    expect_error("[tool.svcscope]\nexclude = [\"a\", 3]\n", "pyproject.toml:2: exclude: expected a string, got 3");
    expect_error("[tool.svcscope]\nservices-root = [\"services\"]\n",
                 "pyproject.toml:2: services-root: expected a string, got [\"services\"]");
    expect_error("[tool.svcscope]\ntasks-service = 1\n", "pyproject.toml:2: tasks-service: expected a string, got 1");
    expect_error("[tool.svcscope]\napps = { a = 1 }\n",
                 "pyproject.toml:2: apps: expected an array of strings, got { a = 1 }");
    expect_error("[tool.svcscope]\nper-file-ignores = [\"tests/*\"]\n",
                 "pyproject.toml:2: per-file-ignores: expected a table of \"glob\" = [codes], got [\"tests/*\"]");
    expect_error("[tool.svcscope]\nper-file-ignores = { \"tests/*\" = \"SVC201\" }\n",
                 "pyproject.toml:2: per-file-ignores: \"tests/*\": expected an array of strings, got \"SVC201\"");
    expect_error("[tool.svcscope.per-file-ignores]\ntests.py = [\"SVC2\"]\n",
                 "pyproject.toml:2: per-file-ignores: \"tests\": expected an array of rule codes, got a table "
                 "(put the pattern in quotes if it has a dot)");
    expect_error("[tool]\nsvcscope = \"on\"\n", "pyproject.toml:2: [tool.svcscope] must be a table, got \"on\"");
    expect_error("[[tool.svcscope]]\nselect = []\n",
                 "pyproject.toml:1: [tool.svcscope] must be a table, got an array of tables");
    /* Long values are cut in the message. */
    expect_error("[tool.svcscope]\nmax-task-statements = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n",
                 "pyproject.toml:2: max-task-statements: expected a whole number >= 0, got "
                 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...");
}

static void test_error_bad_names_and_paths(void **state)
{
    (void)state;
    expect_error("[tool.svcscope]\ntasks-service = \"my-tasks\"\n",
                 "pyproject.toml:2: tasks-service: \"my-tasks\" is not a valid Python identifier (it names the service package)");
    expect_error("[tool.svcscope]\ntasks-service = \"class\"\n",
                 "pyproject.toml:2: tasks-service: \"class\" is not a valid Python identifier (it names the service package)");
    expect_error("[tool.svcscope]\ntasks-service = \"\"\n",
                 "pyproject.toml:2: tasks-service: \"\" is not a valid Python identifier (it names the service package)");
    expect_error("[tool.svcscope]\nservices-root = \"/abs/services\"\n",
                 "pyproject.toml:2: services-root: \"/abs/services\" is not a folder inside the repository "
                 "(write it relative to the root, like \"backend/services\")");
    expect_error("[tool.svcscope]\napps = [\"orders\", \"../x\"]\n",
                 "pyproject.toml:2: apps: \"../x\" is not a folder inside the repository "
                 "(write it relative to the root, like \"backend/services\")");
    expect_error("[tool.svcscope]\nglue-modules = [\"selectors.py\"]\n",
                 "pyproject.toml:2: glue-modules: \"selectors.py\" is not a module name (like \"selectors\")");
    expect_error("[tool.svcscope]\ntask-decorators = [\"app.task()\"]\n",
                 "pyproject.toml:2: task-decorators: \"app.task()\" is not a decorator name "
                 "(like \"instrumented_task\" or \"app.task\")");
    expect_error("[tool.svcscope]\nexclude = [\"\"]\n", "pyproject.toml:2: exclude: a pattern cannot be empty");
    expect_error("[tool.svcscope]\nservices-root = \"a\\u0000b\"\n",
                 "pyproject.toml:2: services-root: a string here cannot contain NUL");
}

/* ---- errors: TOML itself ------------------------------------------------------- */

static void test_error_syntax(void **state)
{
    (void)state;
    expect_error("[project]\nname = \"x\"\n\n[tool.svcscope]\nselect = [\"SVC2\"]\n\nexclude = [\"a\" \"b\"]\n",
                 "pyproject.toml:7: not valid TOML near \"\\\"a\\\" \\\"b\\\"]\"");
    /* A break in a table svcscope never reads is still an error. */
    expect_error("[tool.svcscope]\nselect = []\n\n[tool.black]\nline-length = \n",
                 "pyproject.toml:5: not valid TOML near \"line-length =\"");
    expect_error("[tool.svcscope]\nselect = [] ignore = []\n", "pyproject.toml:2: not valid TOML near \"ignore = []\"");
    expect_error("[tool.svcscope\nselect = []\n", "pyproject.toml:1: not valid TOML after \"[tool.svcscope\"");
    expect_error("a = \"unterminated\n", "pyproject.toml:1: not valid TOML near \"a = \\\"unterminated\"");
    expect_error("a = \"\\q\"\n", "pyproject.toml:1: not valid TOML near \"a = \\\"\\\\q\\\"\"");
    expect_error("a = \"\\uD800\"\n", "pyproject.toml:1: not valid TOML: \\uD800 is not a Unicode scalar value");
    expect_error("x = 1\na = 99999999999999999999\n",
                 "pyproject.toml:2: not valid TOML: 99999999999999999999 does not fit in a 64-bit integer");
    expect_error("x = 1\na = \"\xff\"\n", "pyproject.toml:2: not valid UTF-8");
}

static void test_error_duplicates(void **state)
{
    (void)state;
    expect_error("[tool.svcscope]\nselect = [\"SVC1\"]\nignore = []\nselect = [\"SVC2\"]\n",
                 "pyproject.toml:4: select: defined twice in [tool.svcscope] (first on line 2)");
    expect_error("[tool.svcscope]\nselect = []\n[tool.other]\n[tool.svcscope]\n",
                 "pyproject.toml:4: [tool.svcscope] is defined twice (first on line 1)");
    expect_error("[tool.svcscope]\nper-file-ignores = { \"a\" = [] }\n[tool.svcscope.per-file-ignores]\n\"b\" = []\n",
                 "pyproject.toml:3: [tool.svcscope.per-file-ignores] is defined twice (first on line 2)");
    expect_error("[tool.svcscope]\nper-file-ignores = { \"a\" = [], \"a\" = [] }\n",
                 "pyproject.toml:2: a: defined twice in [tool.svcscope.per-file-ignores] (first on line 2)");
    expect_error("name = 1\nname = 2\n", "pyproject.toml:2: name: defined twice (first on line 1)");
    /* Dotted keys may not reopen a table that a header defined, and the other way round. */
    expect_error("[fruit]\napple.color = \"red\"\n[fruit.apple]\n",
                 "pyproject.toml:3: [fruit.apple] is defined twice (first on line 2)");
    expect_error("[a.b]\nx = 1\n[a]\nb.y = 2\n", "pyproject.toml:4: a.b: conflicts with the definition on line 1");
    expect_error("a = { x = 1 }\n[a.y]\n", "pyproject.toml:2: [a.y]: cannot add to the inline value a from line 1");
    expect_error("a = { x = 1 }\na.y = 2\n", "pyproject.toml:2: a: cannot add to the inline value from line 1");
}

static void test_valid_table_forms_accepted(void **state)
{
    (void)state;
    /* Forms TOML allows that a too-strict model would refuse. */
    svc_config cfg;
    expect_ok(&cfg,
              "[a.b.c]\nx = 1\n[a]\ny = 2\n"                        /* parent defined after child */
              "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n"
              "[fruit.apple.texture]\nsmooth = true\n"              /* sub-table of a dotted table */
              "[[arr]]\nn = 1\n[arr.sub]\nm = 1\n[[arr]]\nn = 2\n[arr.sub]\nm = 2\n"
              "[tool.svcscope]\n");
    assert_string_equal(cfg.source_file, "pyproject.toml");
    svc_config_free(&cfg);
}

/* ---- failures leave the config as it was; loading twice -------------------------- */

static void test_failed_parse_changes_nothing(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[tool.svcscope]\nselect = [\"SVC1\"]\nmax-task-statements = 4\n");
    svc_error err = SVC_ERROR_INIT;
    const char *bad = "[tool.svcscope]\nselect = [\"SVC2\"]\nexclude = [\"x\"]\nmax-task-statements = \"x\"\n";
    assert_int_equal(svc_config_parse(&cfg, "other.toml", bad, strlen(bad), &err), SVC_ECONFIG);
    assert_string_equal(err.message, "other.toml:4: max-task-statements: expected a whole number >= 0, got \"x\"");
    assert_strv(cfg.select, cfg.nselect, STRV("SVC1"));
    assert_int_equal(cfg.nexclude, 0);
    assert_int_equal(cfg.max_task_statements, 4);
    assert_string_equal(cfg.source_file, "pyproject.toml");
    svc_config_free(&cfg);
}

static void test_parse_twice_replaces_without_leaks(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg,
              "[tool.svcscope]\nselect = [\"SVC1\"]\nservices-root = \"a\"\ntasks-service = \"t1\"\napps = [\"x\"]\n"
              "exclude = [\"e1\"]\nper-file-ignores = { \"p\" = [\"SVC1\"] }\n");
    svc_error err = SVC_ERROR_INIT;
    const char *second = "[tool.svcscope]\nselect = [\"SVC2\", \"SVC3\"]\nservices-root = \"b\"\ntasks-service = \"t2\"\n"
                         "per-file-ignores = { \"q\" = [\"SVC2\"] }\n";
    assert_int_equal(svc_config_parse(&cfg, "second.toml", second, strlen(second), &err), SVC_OK);
    assert_strv(cfg.select, cfg.nselect, STRV("SVC2", "SVC3"));
    assert_string_equal(cfg.services_root, "b");
    assert_string_equal(cfg.tasks_service, "t2");
    assert_string_equal(cfg.per_file_ignores[0].glob, "q");
    /* Keys the second file does not set keep their values. */
    assert_strv(cfg.apps, cfg.napps, STRV("x"));
    assert_strv(cfg.exclude, cfg.nexclude, STRV("e1"));
    assert_string_equal(cfg.source_file, "second.toml");
    svc_config_free(&cfg);
    /* Free after free is harmless (the config is zeroed). */
    svc_config_free(&cfg);
}

/* ---- exclude ---------------------------------------------------------------------- */

/* Globs are matched without backtracking: a pattern of many stars against a long path is quick
 * (it was exponential), and a pattern over 4096 bytes is refused. */
static void test_excluded_pathological_globs(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[tool.svcscope]\nexclude = [\"**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**b\", "
                    "\"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\", \"**/**/**/**/**/**/**/**/**/**/x/y\"]\n");
    char path[2048];
    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    for (size_t i = 100; i < sizeof path - 1; i += 100) path[i] = '/';
    assert_false(svc_config_excluded(&cfg, path));
    assert_true(svc_config_excluded(&cfg, "x/aaaaaaaaaaaaaaaaaaaaaaaaab"));
    assert_true(svc_config_excluded(&cfg, "a/b/c/d/e/f/g/h/i/j/k/x/y"));
    svc_config_free(&cfg);
    char *stars = svc_xmalloc(5000);
    memset(stars, '*', 4999);
    stars[4999] = '\0';
    char *text = svc_xasprintf("[tool.svcscope]\nexclude = [\"%s\"]\n", stars);
    expect_error(text, "pyproject.toml:2: exclude: a pattern longer than 4096 bytes");
    free(text);
    text = svc_xasprintf("[tool.svcscope.per-file-ignores]\n\"%s\" = [\"SVC2\"]\n", stars);
    expect_error(text, "pyproject.toml:2: per-file-ignores: \"************************************************************"
                       "...\": a pattern longer than 4096 bytes");
    free(text);
    free(stars);
}

static void test_excluded(void **state)
{
    (void)state;
    svc_config cfg;
    expect_ok(&cfg, "[tool.svcscope]\nexclude = [\"migrations\", \"legacy/**\", \"*.pyi\", \"docs/conf.py\"]\n");
    assert_true(svc_config_excluded(&cfg, "orders/migrations/0001.py"));
    assert_true(svc_config_excluded(&cfg, "migrations/0001.py"));
    assert_true(svc_config_excluded(&cfg, "legacy/a/b.py"));
    assert_true(svc_config_excluded(&cfg, "legacy/a.py"));
    assert_true(svc_config_excluded(&cfg, "stubs/x.pyi"));
    assert_true(svc_config_excluded(&cfg, "docs/conf.py"));
    assert_false(svc_config_excluded(&cfg, "orders/models.py"));
    assert_false(svc_config_excluded(&cfg, "services/legacy_stuff.py"));
    assert_false(svc_config_excluded(&cfg, "orders/migrations_helper.py"));
    assert_false(svc_config_excluded(&cfg, "other/docs/conf.py"));
    svc_config_free(&cfg);

    svc_config_init(&cfg);
    assert_false(svc_config_excluded(&cfg, "anything.py"));
    svc_config_free(&cfg);
}

/* Hidden folders, node_modules, site-packages, build and dist are left out by default;
 * `extend-exclude` adds to them, `exclude` replaces them; lines are kept for --show-settings. */
static void test_default_excludes(void **state)
{
    (void)state;
    svc_config cfg;
    svc_config_init(&cfg);
    assert_true(svc_config_excluded(&cfg, ".semgrep/celery/rule.py"));
    assert_true(svc_config_excluded(&cfg, "backend/.venv/lib/x.py"));
    assert_true(svc_config_excluded(&cfg, "frontend/node_modules/pkg/setup.py"));
    assert_true(svc_config_excluded(&cfg, "env/lib/python3.12/site-packages/celery/app.py"));
    assert_true(svc_config_excluded(&cfg, "build/lib/shop/models.py"));
    assert_string_equal(svc_config_excluded_by(&cfg, "dist/shop/tasks.py"), "dist");
    assert_false(svc_config_excluded(&cfg, "shop/builders.py"));
    assert_false(svc_config_excluded(&cfg, "shop/distribution/models.py"));
    assert_int_equal(svc_config_key_line(&cfg, "exclude"), 0);
    svc_config_free(&cfg);

    expect_ok(&cfg, "[tool.svcscope]\nselect = [\"SVC\"]\nextend-exclude = [\"legacy\"]\n");
    assert_false(cfg.exclude_set);
    assert_true(svc_config_excluded(&cfg, "legacy/tasks.py"));
    assert_true(svc_config_excluded(&cfg, ".semgrep/rule.py"));
    assert_int_equal(svc_config_key_line(&cfg, "extend-exclude"), 3);
    assert_int_equal(svc_config_key_line(&cfg, "select"), 2);
    assert_int_equal(svc_config_key_line(&cfg, "exclude"), 0);
    svc_config_free(&cfg);

    expect_ok(&cfg, "[tool.svcscope]\nexclude = [\"legacy\"]\n");
    assert_true(cfg.exclude_set);
    assert_true(svc_config_excluded(&cfg, "legacy/tasks.py"));
    assert_false(svc_config_excluded(&cfg, ".semgrep/rule.py"));
    assert_false(svc_config_excluded(&cfg, "build/x.py"));
    svc_config_free(&cfg);

    /* `exclude = []` reads everything */
    expect_ok(&cfg, "[tool.svcscope]\nexclude = []\n");
    assert_false(svc_config_excluded(&cfg, "node_modules/x.py"));
    size_t n = 1;
    svc_config_excludes(&cfg, &n);
    assert_int_equal(n, 0);
    svc_config_free(&cfg);

    expect_error("[tool.svcscope]\nextend-exclude = \"legacy\"\n",
                 "pyproject.toml:2: extend-exclude: expected an array of strings, got \"legacy\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_no_file_gives_defaults),
        cmocka_unit_test(test_file_without_section_gives_defaults),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_load_from_root),
        cmocka_unit_test(test_load_error_names_root_relative_file),
        cmocka_unit_test(test_load_unreadable_is_io_error),
        cmocka_unit_test(test_all_keys),
        cmocka_unit_test(test_absent_keys_keep_defaults),
        cmocka_unit_test(test_empty_section),
        cmocka_unit_test(test_empty_apps_still_set),
        cmocka_unit_test(test_codes_normalised),
        cmocka_unit_test(test_paths_normalised),
        cmocka_unit_test(test_max_task_statements_forms),
        cmocka_unit_test(test_dotted_key_at_top_level),
        cmocka_unit_test(test_dotted_key_under_tool),
        cmocka_unit_test(test_spaced_and_quoted_keys),
        cmocka_unit_test(test_inline_tables),
        cmocka_unit_test(test_comments_and_multiline_arrays),
        cmocka_unit_test(test_string_forms),
        cmocka_unit_test(test_other_tables_ignored),
        cmocka_unit_test(test_bom_and_crlf),
        cmocka_unit_test(test_error_max_task_statements),
        cmocka_unit_test(test_baseline_key),
        cmocka_unit_test(test_error_unknown_key_suggests),
        cmocka_unit_test(test_error_bad_codes),
        cmocka_unit_test(test_error_wrong_types),
        cmocka_unit_test(test_error_bad_names_and_paths),
        cmocka_unit_test(test_error_syntax),
        cmocka_unit_test(test_error_duplicates),
        cmocka_unit_test(test_valid_table_forms_accepted),
        cmocka_unit_test(test_failed_parse_changes_nothing),
        cmocka_unit_test(test_parse_twice_replaces_without_leaks),
        cmocka_unit_test(test_excluded),
        cmocka_unit_test(test_default_excludes),
        cmocka_unit_test(test_excluded_pathological_globs),
        cmocka_unit_test(test_max_file_size_forms),
        cmocka_unit_test(test_error_max_file_size),
        cmocka_unit_test(test_parse_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

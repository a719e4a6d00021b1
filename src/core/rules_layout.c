/*
 * Layout rules, SVC100-SVC106: how the services package is laid out on disk, read from the model
 * (its files, folders and services). No fixes here (a separate piece attaches them).
 *
 * Decisions where spec/RULES.md is silent:
 *  - SVC100 is one info finding on "." (a folder finding); with no services root the other
 *    layout rules have nothing to look at and are skipped. When config names a services-root
 *    that is not a folder of the repo, the message says so instead of suggesting services/.
 *  - SVC101 is reported for the services root and for each service folder, never for deeper
 *    sub-packages of a service.
 *  - SVC102 is a finding about the file as a whole (row 1, column 1), so `# noqa: SVC102` on
 *    the file's first line suppresses it.
 *  - SVC103: every test module of a service outside `<service>/tests/` is reported, including
 *    `conftest.py` and helpers under a misplaced nested `tests/` folder; the `__init__.py` of
 *    such a folder is not (the modules it holds are, and they are what moves).
 *  - A folder named `tests` directly in the services root is not a service: it is a misplaced
 *    tests folder. Its modules (not its `__init__.py`) get SVC103, and SVC101/104/105/106 are
 *    not reported for it.
 *  - SVC105: a file is a "helper package" file when any folder between the service's `tests/`
 *    (excluded) and the file has an `__init__.py`. `*_test.py` directly in `tests/` is reported
 *    (the convention names test modules `test_*.py`).
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "rules_internal.h"

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* True when `folder/__init__.py` is a file of the model. */
static bool folder_is_package(const svc_model *m, const char *folder, size_t len)
{
    char *init = svc_xasprintf("%.*s/__init__.py", (int)len, folder);
    bool yes = svc_model_file(m, init) >= 0;
    free(init);
    return yes;
}

static bool is_misplaced_tests_folder(const svc_service *s)
{
    return strcmp(s->name, "tests") == 0;
}

static void check_root(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    if (!m->services_root_has_init)
        svc_report_path(ctx, "SVC101", m->services_root, true,
                        "The services root `%s/` has no `__init__.py`: create an empty `%s/__init__.py`",
                        m->services_root, m->services_root);
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        if (f->role != SVC_ROLE_SERVICES_ROOT || f->is_init) continue;
        svc_report_path(ctx, "SVC102", f->path, false,
                        "`%s` sits directly in the services root; move it into a service (`%s/<service>/%s`)",
                        base_name(f->path), m->services_root, base_name(f->path));
    }
}

/* Test modules outside `<service>/tests/` (SVC103) and badly named files inside it (SVC105). */
static void check_service_files(svc_check_ctx *ctx, const svc_service *s)
{
    const svc_model *m = ctx->model;
    size_t plen = strlen(s->path);
    bool misplaced_folder = is_misplaced_tests_folder(s);
    for (size_t k = 0; k < s->nfiles; k++) {
        const svc_file *f = &m->files[s->files[k]];
        const char *in_service = f->path + plen + 1;
        const char *base = base_name(f->path);

        if (misplaced_folder) {
            if (!f->is_init)
                svc_report_path(ctx, "SVC103", f->path, false,
                                "`%s` is in `%s/`, a tests folder outside every service; move it into the "
                                "`tests/` folder of the service it tests",
                                base, s->path);
            continue;
        }

        bool in_tests = svc_str_starts_with(in_service, "tests/");
        if (!in_tests) {
            if (f->role == SVC_ROLE_SERVICE_TEST && !f->is_init)
                svc_report_path(ctx, "SVC103", f->path, false,
                                "Test module `%s` is outside the service's tests folder; move it to `%s/tests/%s`",
                                base, s->path, base);
            continue;
        }

        /* inside <service>/tests/ */
        const char *rest = in_service + strlen("tests/");
        if (f->is_init || strcmp(base, "conftest.py") == 0 || svc_str_starts_with(base, "test_")) continue;
        /* a helper package: a folder between tests/ and the file that is a package */
        bool helper = false;
        for (const char *p = rest; (p = strchr(p, '/')) != NULL && !helper; p++)
            helper = folder_is_package(m, f->path, (size_t)(p - f->path));
        if (helper) continue;
        svc_report_path(ctx, "SVC105", f->path, false,
                        "`%s` in `%s/tests/` is not named `test_*.py`; name test modules `test_<module>.py` "
                        "and put helpers in `conftest.py` or a helper package",
                        base, s->path);
    }
}

void svc_check_layout(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    if (!m->services_root && m->config && m->config->services_root) {
        svc_report_path(ctx, "SVC100", ".", true,
                        "The configured services root `%s` is not a folder of this repository: create it, or fix "
                        "`services-root` under [tool.svcscope] in pyproject.toml; the rules that need it were skipped",
                        m->config->services_root);
        return;
    }
    if (!m->services_root && m->nservices_root_candidates) {
        svc_buf names = { 0 };
        for (size_t i = 0; i < m->nservices_root_candidates; i++)
            svc_buf_printf(&names, "%s`%s/`", i ? (i + 1 == m->nservices_root_candidates ? " and " : ", ") : "",
                           m->services_root_candidates[i]);
        svc_report_path(ctx, "SVC100", ".", true,
                        "Several folders could be the services package: %s; set `services-root` under "
                        "[tool.svcscope] in pyproject.toml to the one that is; the rules that need it were skipped",
                        names.data);
        svc_buf_free(&names);
        return;
    }
    if (!m->services_root) {
        svc_report_path(ctx, "SVC100", ".", true,
                        "No services package found: create `services/__init__.py` (with one folder per service), "
                        "or set `services-root` under [tool.svcscope] in pyproject.toml; the rules that need it "
                        "were skipped");
        return;
    }
    check_root(ctx);
    for (size_t i = 0; i < m->nservices; i++) {
        const svc_service *s = &m->services[i];
        if (is_misplaced_tests_folder(s)) {
            check_service_files(ctx, s);
            continue;
        }
        if (!s->has_init)
            svc_report_path(ctx, "SVC101", s->path, true,
                            "Service `%s` is not a package: create an empty `%s/__init__.py`", s->name, s->path);
        if (!s->has_tests)
            svc_report_path(ctx, "SVC106", s->path, true,
                            "Service `%s` has no tests folder: create `%s/tests/` with an `__init__.py` and "
                            "`test_*.py` modules",
                            s->name, s->path);
        else if (!s->tests_has_init) {
            char *tests = svc_xasprintf("%s/tests", s->path);
            svc_report_path(ctx, "SVC104", tests, true,
                            "The tests folder of service `%s` is not a package: create an empty "
                            "`%s/tests/__init__.py`",
                            s->name, s->path);
            free(tests);
        }
        check_service_files(ctx, s);
    }
}

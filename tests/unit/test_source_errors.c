/*
 * Files that change between the listing and the reading (deleted, replaced by a FIFO, a folder or
 * a symlink, grown past the size limit, made unreadable): what a shell test cannot time. Every
 * read fails with a reason or returns, never blocks; the model keeps the reason as the file's
 * read_error; a fix on a file that vanished is refused and writes nothing. A watchdog alarm turns
 * a read that blocks into a failing test.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "svcscope/fix.h"
#include "svcscope/rules.h"
#include "svcscope/util.h"

static const tl_file project[] = {
    { "services/__init__.py", "" },
    { "services/integrations/__init__.py", "" },
    { "services/integrations/google_calendar/__init__.py", "from .credentials import get_credentials\n" },
    { "services/integrations/google_calendar/credentials.py", "def get_credentials(user):\n    return user\n" },
    { "orders/__init__.py", "" },
    { "orders/models.py", "" },
    { "orders/views.py", "from services.integrations.google_calendar.credentials import get_credentials\n\n\n"
                         "def f(request):\n    return get_credentials(request.user)\n" },
    { NULL, NULL },
};

static char *full_path(const char *root, const char *path) { return svc_xasprintf("%s/%s", root, path); }

/* Lists `root`, then lets `change` alter views.py, then reads it: the error message, or NULL. */
static char *read_after(const char *root, void (*change)(const char *full), uint64_t max_size)
{
    svc_source *src = NULL;
    svc_error err = SVC_ERROR_INIT;
    svc_source_options so = SVC_SOURCE_OPTIONS_INIT;
    so.max_file_size = max_size;
    assert_int_equal(svc_source_open(&src, root, &so, &err), 0);
    long i = svc_source_find(src, "orders/views.py");
    assert_true(i >= 0);
    char *full = full_path(root, "orders/views.py");
    change(full);
    free(full);
    char *bytes = NULL;
    size_t len = 0;
    alarm(10); /* a read that blocks (a FIFO) fails the test instead of hanging it */
    int rc = svc_source_read(src, (size_t)i, &bytes, &len, &err);
    alarm(0);
    free(bytes);
    svc_source_free(src);
    return rc < 0 ? svc_xstrdup(err.message) : NULL;
}

static void delete(const char *full) { assert_int_equal(unlink(full), 0); }

static void to_fifo(const char *full)
{
    assert_int_equal(unlink(full), 0);
    assert_int_equal(mkfifo(full, 0644), 0);
}

static void to_folder(const char *full)
{
    assert_int_equal(unlink(full), 0);
    assert_int_equal(mkdir(full, 0755), 0);
}

static void to_symlink(const char *full)
{
    assert_int_equal(unlink(full), 0);
    assert_int_equal(symlink("/etc/hostname", full), 0);
}

static void grow(const char *full)
{
    FILE *f = fopen(full, "ab");
    assert_non_null(f);
    for (int i = 0; i < 200; i++) fputs("# grown after the listing\n", f);
    fclose(f);
}

static void unreadable(const char *full) { assert_int_equal(chmod(full, 0), 0); }

static bool running_as_root_like(const char *root)
{
    char *p = full_path(root, "probe");
    tl_write(root, "probe", "x");
    chmod(p, 0);
    int fd = open(p, O_RDONLY);
    bool can = fd >= 0;
    if (fd >= 0) close(fd);
    unlink(p);
    free(p);
    return can;
}

static void test_changed_after_listing(void **state)
{
    (void)state;
    struct {
        void (*change)(const char *full);
        uint64_t max_size;
        const char *want;
    } cases[] = {
        { delete, 0, "orders/views.py: No such file or directory" },
        { to_fifo, 0, "orders/views.py: not a regular file" },
        { to_folder, 0, "orders/views.py: not a regular file" },
        { to_symlink, 0, "orders/views.py: " }, /* ELOOP: never followed */
        { grow, 1000, "orders/views.py: larger than the 1000 byte limit" },
        { unreadable, 0, "orders/views.py: Permission denied" },
    };
    for (int git = 0; git < 2; git++) {
        for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
            char *root = tl_tempdir();
            tl_write_files(root, project);
            if (git) {
                tl_git(root, "init -q");
                tl_git(root, "add -A");
                tl_git(root, "commit -q -m i");
            }
            if (cases[c].change == unreadable && running_as_root_like(root)) {
                tl_rmrf(root);
                free(root);
                continue;
            }
            char *why = read_after(root, cases[c].change, cases[c].max_size);
            if (!why || !strstr(why, cases[c].want))
                fail_msg("case %zu (%s): got \"%s\", want \"%s\"", c, git ? "git" : "folder", why ? why : "(read)",
                         cases[c].want);
            free(why);
            char *full = full_path(root, "orders/views.py");
            chmod(full, 0644);
            free(full);
            tl_rmrf(root);
            free(root);
        }
    }
}

/* The model keeps the reason; a fix of the vanished file is refused and writes nothing. */
static void test_model_and_fix_of_a_vanished_file(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write_files(root, project);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_diagnostics *d = svc_check(r.model, &(svc_check_options){ 0 });
    svc_diagnostics_compute_fixes(r.model, d);
    const svc_fix *fix = NULL;
    for (size_t i = 0; i < d->len && !fix; i++)
        if (d->items[i].fix && strcmp(d->items[i].path, "orders/views.py") == 0) fix = d->items[i].fix;
    assert_non_null(fix);

    char *full = full_path(root, "orders/views.py");
    assert_int_equal(unlink(full), 0);
    svc_fix_result res;
    svc_error err = SVC_ERROR_INIT;
    char *undo = svc_xasprintf("%s-undo", root);
    svc_fix_options fo = { false, undo, NULL, NULL };
    assert_int_equal(svc_fix_apply(r.model, &fix, 1, &fo, &res, &err), 0);
    assert_int_equal(res.applied, 0);
    assert_int_equal(res.skipped, 1);
    assert_true(res.nmessages >= 1 && strstr(res.messages[0], "changed on disk since it was read"));
    struct stat st;
    assert_int_equal(lstat(full, &st), -1); /* not recreated */
    svc_fix_result_free(&res);
    svc_diagnostics_free(d);
    tl_repo_close(&r);

    /* Deleted between the listing and the model's read: the model says why. */
    tl_write_files(root, project);
    svc_source *src = NULL;
    svc_source_options so = SVC_SOURCE_OPTIONS_INIT;
    assert_int_equal(svc_source_open(&src, root, &so, &err), 0);
    assert_int_equal(unlink(full), 0);
    svc_config cfg;
    svc_config_init(&cfg);
    svc_model *m = NULL;
    svc_model_options mo = SVC_MODEL_OPTIONS_INIT;
    assert_int_equal(svc_model_build(&m, src, &cfg, &mo, &err), 0);
    long k = svc_model_file(m, "orders/views.py");
    assert_true(k >= 0);
    assert_non_null(m->files[k].read_error);
    assert_non_null(strstr(m->files[k].read_error, "No such file"));
    svc_diagnostics *d2 = svc_check(m, &(svc_check_options){ 0 });
    svc_diagnostics_free(d2);
    svc_model_free(m);
    svc_source_free(src);
    svc_config_free(&cfg);
    free(full);
    tl_rmrf(undo);
    free(undo);
    tl_rmrf(root);
    free(root);
}

/* A pyproject.toml that is a FIFO is refused at once, not waited on. */
static void test_config_fifo(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    char *p = full_path(root, "pyproject.toml");
    assert_int_equal(mkfifo(p, 0644), 0);
    svc_config cfg;
    svc_config_init(&cfg);
    svc_error err = SVC_ERROR_INIT;
    alarm(10);
    int rc = svc_config_load(&cfg, root, &err);
    alarm(0);
    assert_int_equal(rc, SVC_EIO);
    assert_non_null(strstr(err.message, "not a regular file"));
    svc_config_free(&cfg);
    free(p);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changed_after_listing),
        cmocka_unit_test(test_model_and_fix_of_a_vanished_file),
        cmocka_unit_test(test_config_fifo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for src/env/watch*.c: the changes the explorer's watcher reports, with inotify
 * (where it is built) and by polling, on a real git repository changed by real git commands.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "env/watch.h"
#include "svcscope/util.h"
#include "testlib.h"

/* The changes reported, one "K:path" line each (F file, D folder, I index, H HEAD, O overflow). */
typedef struct seen {
    char log[16384];
} seen;

static void on_change(void *ctx, env_watch_change change, const char *path)
{
    seen *s = ctx;
    static const char kinds[] = "FDIHO";
    size_t n = strlen(s->log);
    snprintf(s->log + n, sizeof s->log - n, "%c:%s\n", kinds[change], path);
}

/* Reads changes for up to 3 s until `want` (a "K:path" line) is among them; true when it is. */
static bool wait_for(env_watch *w, seen *s, const char *want)
{
    char line[600];
    snprintf(line, sizeof line, "%s\n", want);
    for (int64_t end = env_watch_now_ms() + 3000; env_watch_now_ms() < end;) {
        env_watch_read(w, on_change, s);
        if (strstr(s->log, line)) return true;
        int wait = env_watch_timeout_ms(w);
        struct pollfd p = { env_watch_fd(w), POLLIN, 0 };
        poll(p.fd >= 0 ? &p : NULL, p.fd >= 0 ? 1 : 0, wait < 0 || wait > 100 ? 100 : wait);
    }
    print_error("wanted %s, got:\n%s", want, s->log);
    return false;
}

/* What a quiet moment brings (nothing, when nothing changed). */
static void settle(env_watch *w, seen *s)
{
    for (int i = 0; i < 12; i++) {
        env_watch_read(w, on_change, s);
        poll(NULL, 0, 100);
    }
}

static char *make_repo(void)
{
    char *root = tl_tempdir();
    tl_write(root, "pkg/__init__.py", "");
    tl_write(root, "pkg/a.py", "A = 1\n");
    tl_write(root, "pkg/sub/b.py", "B = 1\n");
    tl_write(root, "top.py", "T = 1\n");
    tl_git(root, "init -q");
    tl_git(root, "add -A");
    tl_git(root, "commit -q -m one");
    return root;
}

static env_watch *open_watch(const char *root, bool poll_only, unsigned limit)
{
    char *git_dir = svc_xasprintf("%s/.git/", root);
    env_watch_options opts = { poll_only, limit };
    char why[512];
    env_watch *w = env_watch_open(root, git_dir, &opts, why, sizeof why);
    free(git_dir);
    assert_non_null(w);
    env_watch_begin_files(w);
    static const char *const files[] = { "pkg/__init__.py", "pkg/a.py", "pkg/sub/b.py", "top.py" };
    for (size_t i = 0; i < 4; i++) env_watch_add_file(w, files[i]);
    env_watch_end_files(w);
    return w;
}

/* Edits, a new file, git add, commit and checkout, each reported as what it is. */
static void check_repo_changes(bool poll_only)
{
    char *root = make_repo();
    env_watch *w = open_watch(root, poll_only, 0);
    seen s = { "" };
    settle(w, &s);
    assert_string_equal(s.log, "");

    tl_write(root, "pkg/sub/b.py", "B = 2\n");
    assert_true(wait_for(w, &s, "F:pkg/sub/b.py"));
    tl_write(root, "pkg/c.py", "C = 1\n");
    assert_true(wait_for(w, &s, "F:pkg/c.py"));
    tl_git(root, "add pkg/c.py");
    assert_true(wait_for(w, &s, "I:"));
    tl_git(root, "commit -q -m two");
    assert_true(wait_for(w, &s, "H:"));
    s.log[0] = '\0';
    settle(w, &s);
    /* A branch made elsewhere is not HEAD moving. */
    tl_git(root, "branch other");
    settle(w, &s);
    assert_null(strstr(s.log, "H:"));
    tl_git(root, "checkout -q HEAD~1");
    assert_true(wait_for(w, &s, "H:"));
    assert_true(wait_for(w, &s, "F:pkg/c.py"));
    /* git's lock files are not changes of their own. */
    assert_null(strstr(s.log, ".lock"));

    env_watch_free(w);
    tl_rmrf(root);
    free(root);
}

static void test_inotify_or_polling(void **state)
{
    (void)state;
    check_repo_changes(false);
}

static void test_polling(void **state)
{
    (void)state;
    check_repo_changes(true);
}

/* A folder made later is watched with what it holds; a node_modules folder is not. */
static void test_new_folders(void **state)
{
    (void)state;
    char *root = make_repo();
    env_watch *w = open_watch(root, false, 0);
    seen s = { "" };
    tl_write(root, "pkg/new/deep/d.py", "D = 1\n");
    assert_true(wait_for(w, &s, "D:pkg/new"));
    settle(w, &s);
    s.log[0] = '\0';
    tl_write(root, "pkg/new/deep/d.py", "D = 2\n");
    assert_true(wait_for(w, &s, "F:pkg/new/deep/d.py"));
    s.log[0] = '\0';
    tl_write(root, "node_modules/x/index.js", "");
    settle(w, &s);
    tl_write(root, "node_modules/x/index.js", "1");
    settle(w, &s);
    assert_null(strstr(s.log, "node_modules/x"));
    env_watch_free(w);
    tl_rmrf(root);
    free(root);
}

/* The inotify watch limit reached: polling, said once, and changes still seen. */
static void test_watch_limit_falls_back_to_polling(void **state)
{
    (void)state;
    char *root = make_repo();
    env_watch *w = open_watch(root, false, 2);
    assert_string_equal(env_watch_method(w), "polling");
    assert_int_equal(env_watch_fd(w), -1);
#ifdef HAVE_SYS_INOTIFY_H
    const char *note = env_watch_take_note(w);
    assert_non_null(note);
    assert_non_null(strstr(note, "inotify watch limit reached: polling every 1 s"));
#endif
    assert_null(env_watch_take_note(w));
    seen s = { "" };
    tl_write(root, "pkg/a.py", "A = 3\n");
    assert_true(wait_for(w, &s, "F:pkg/a.py"));
    env_watch_free(w);
    tl_rmrf(root);
    free(root);
}

/* Changes made while a project loads, before the watch looks: a listing's times tell them (the
 * first load), and polling keeps what it last saw across a new list of files (each load). */
static void test_changes_during_a_load(void **state)
{
    (void)state;
    char *root = make_repo();
    char *path = svc_xasprintf("%s/pkg/a.py", root);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    int64_t ctime = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
    env_watch *w = open_watch(root, true, 0);
    assert_false(env_watch_file_changed(w, "pkg/a.py", mtime, ctime));
    poll(NULL, 0, 20);
    tl_write(root, "pkg/a.py", "A = 2\n");
    assert_true(env_watch_file_changed(w, "pkg/a.py", mtime, ctime));
    assert_true(env_watch_file_changed(w, "pkg/gone.py", mtime, ctime));
    /* A new list of files (a load finished) while the change is not reported yet. */
    env_watch_begin_files(w);
    env_watch_add_file(w, "pkg/a.py");
    env_watch_add_file(w, "top.py");
    env_watch_end_files(w);
    seen s = { "" };
    assert_true(wait_for(w, &s, "F:pkg/a.py"));
    env_watch_free(w);
    free(path);
    tl_rmrf(root);
    free(root);
}

/* A folder outside git, and one that is not there. */
static void test_plain_and_missing_folders(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write(root, "m.py", "M = 1\n");
    char why[512] = "";
    env_watch_options opts = { false, 0 };
    env_watch *w = env_watch_open(root, NULL, &opts, why, sizeof why);
    assert_non_null(w);
    env_watch_begin_files(w);
    env_watch_add_file(w, "m.py");
    env_watch_add_file(w, "gone/x.py");
    env_watch_end_files(w);
    seen s = { "" };
    tl_write(root, "m.py", "M = 2\n");
    assert_true(wait_for(w, &s, "F:m.py"));
    env_watch_free(w);

    char *missing = svc_xasprintf("%s/nothing-here", root);
    assert_null(env_watch_open(missing, NULL, &opts, why, sizeof why));
    assert_non_null(strstr(why, "nothing-here"));
    free(missing);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inotify_or_polling),
        cmocka_unit_test(test_polling),
        cmocka_unit_test(test_new_folders),
        cmocka_unit_test(test_watch_limit_falls_back_to_polling),
        cmocka_unit_test(test_changes_during_a_load),
        cmocka_unit_test(test_plain_and_missing_folders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

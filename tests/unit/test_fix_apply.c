/* Applying, staging, previewing and undoing fixes, on real git repositories made in the test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>
#include <utime.h>
#include <signal.h>
#include <sys/wait.h>

#include "testlib.h"
#include "core/atomic_file.h"
#include "svcscope/fix.h"
#include "svcscope/util.h"

/* ---- helpers ---------------------------------------------------------------------------- */

/* Runs a shell command in root; returns its stdout (and stderr) and sets *rc. */
static char *sh_rc(const char *root, const char *cmd, int *rc)
{
    char *full = svc_xasprintf("cd '%s' && GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid "
                               "GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid "
                               "GIT_CONFIG_NOSYSTEM=1 HOME=/nonexistent %s 2>&1",
                               root, cmd);
    FILE *f = popen(full, "r");
    free(full);
    assert_non_null(f);
    svc_buf b = { 0 };
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) svc_buf_append(&b, chunk, n);
    int status = pclose(f);
    if (rc) *rc = status;
    return b.data ? svc_buf_detach(&b) : svc_xstrdup("");
}

static char *sh(const char *root, const char *cmd)
{
    int rc = 0;
    char *out = sh_rc(root, cmd, &rc);
    if (rc != 0) fail_msg("`%s` failed: %s", cmd, out);
    return out;
}

static void expect_sh(const char *root, const char *cmd, const char *want)
{
    char *out = sh(root, cmd);
    if (strcmp(out, want) != 0) fail_msg("`%s` gave:\n%s\nwanted:\n%s", cmd, out, want);
    free(out);
}

static char *git_repo(const tl_file *files)
{
    char *root = tl_tempdir();
    tl_write_files(root, files);
    tl_git(root, "init -q");
    tl_git(root, "add -A");
    tl_git(root, "commit -q -m initial");
    return root;
}

static uint32_t off(const char *content, const char *needle)
{
    const char *at = strstr(content, needle);
    if (!at) fail_msg("no '%s' in the content", needle);
    return (uint32_t)(at - content);
}

static svc_edit edit(const char *path, uint32_t start, uint32_t end, const char *text)
{
    svc_edit e;
    memset(&e, 0, sizeof e);
    e.path = path;
    e.start = start;
    e.end = end;
    e.text = text;
    return e;
}

static svc_fix fix_of(const char *message, const svc_edit *edits, size_t nedits, const svc_file_op *ops, size_t nops)
{
    svc_fix f;
    memset(&f, 0, sizeof f);
    f.applicability = SVC_FIX_SAFE;
    f.message = message;
    f.edits = edits;
    f.nedits = nedits;
    f.ops = ops;
    f.nops = nops;
    return f;
}

/* Replaces the first `old` of the file by `new` (a fix computed against the bytes on disk). */
typedef struct text_fix {
    char *content;
    svc_edit e;
    svc_fix f;
} text_fix;

static void make_text_fix(text_fix *t, const char *root, const char *path, const char *old, const char *new_text)
{
    t->content = tl_read(root, path);
    uint32_t s = off(t->content, old);
    t->e = edit(path, s, s + (uint32_t)strlen(old), new_text);
    t->f = fix_of(new_text, &t->e, 1, NULL, 0);
}

static size_t apply(const svc_model *m, const svc_fix *const *fixes, size_t n, bool stage, svc_fix_result *r,
                    int want_rc)
{
    svc_error err = SVC_ERROR_INIT;
    svc_fix_options opts = { stage, NULL, NULL, NULL };
    int rc = svc_fix_apply(m, fixes, n, &opts, r, &err);
    if (rc != want_rc) fail_msg("svc_fix_apply returned %d (%s), wanted %d", rc, err.message, want_rc);
    return r->applied;
}

static bool has_message(const svc_fix_result *r, const char *part)
{
    for (size_t i = 0; i < r->nmessages; i++)
        if (strstr(r->messages[i], part)) return true;
    return false;
}

static void dump_messages(const svc_fix_result *r)
{
    for (size_t i = 0; i < r->nmessages; i++) fprintf(stderr, "  message: %s\n", r->messages[i]);
}

static bool temp_files_left(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return false;
    bool found = false;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) found |= strstr(e->d_name, ".svcscope-") != NULL;
    closedir(d);
    return found;
}

static const char *twenty_lines =
    "l1 = 1\nl2 = 2\nl3 = 3\nl4 = 4\nl5 = 5\nl6 = 6\nl7 = 7\nl8 = 8\nl9 = 9\nl10 = 10\n"
    "l11 = 11\nl12 = 12\nl13 = 13\nl14 = 14\nl15 = 15\nl16 = 16\nl17 = 17\nl18 = 18\nl19 = 19\nl20 = 20\n";

/* ---- work tree writes ------------------------------------------------------------------- */

static void test_atomic_write_keeps_mode(void **state)
{
    (void)state;
    const tl_file files[] = { { "tool/run.py", "import os\n\n\ndef main():\n    pass\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    char *full = svc_xasprintf("%s/tool/run.py", root);
    chmod(full, 0751);
    tl_repo r;
    tl_repo_open(&r, root);
    text_fix t;
    make_text_fix(&t, root, "tool/run.py", "import os\n", "import os\nimport sys\n");
    const svc_fix *fixes[] = { &t.f };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 1, false, &res, 0), 1);
    assert_int_equal(res.nchanged, 1);
    assert_string_equal(res.changed_paths[0], "tool/run.py");
    struct stat st;
    assert_int_equal(stat(full, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0751);
    char *now = tl_read(root, "tool/run.py");
    assert_string_equal(now, "import os\nimport sys\n\n\ndef main():\n    pass\n");
    char *dir = svc_xasprintf("%s/tool", root);
    assert_false(temp_files_left(dir));
    free(dir);
    free(now);
    svc_fix_result_free(&res);
    free(t.content);
    tl_repo_close(&r);
    free(full);
    tl_rmrf(root);
    free(root);
}

static void test_crlf_and_bom_byte_exact(void **state)
{
    (void)state;
    const char *crlf = "import os\r\n\r\ndef f():\r\n    return os.sep\r\n";
    const char *bom = "\xEF\xBB\xBF# caf\xC3\xA9\nimport sys\n\nx = sys.argv\n";
    const tl_file files[] = { { "a.py", crlf }, { "b.py", bom }, { NULL, NULL } };
    char *root = git_repo(files);
    tl_repo r;
    tl_repo_open(&r, root);
    text_fix ta, tb;
    make_text_fix(&ta, root, "a.py", "return os.sep", "return os.sep  # fixed");
    make_text_fix(&tb, root, "b.py", "import sys\n", "import sys\nimport os\n");
    const svc_fix *fixes[] = { &ta.f, &tb.f };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 2, true, &res, 0), 2);
    char *a = tl_read(root, "a.py"), *b = tl_read(root, "b.py");
    assert_string_equal(a, "import os\r\n\r\ndef f():\r\n    return os.sep  # fixed\r\n");
    assert_string_equal(b, "\xEF\xBB\xBF# caf\xC3\xA9\nimport sys\nimport os\n\nx = sys.argv\n");
    /* the staged blobs are the same bytes */
    char *ia = sh(root, "git show :a.py"), *ib = sh(root, "git show :b.py");
    assert_string_equal(ia, a);
    assert_string_equal(ib, b);
    expect_sh(root, "git status --porcelain", "M  a.py\nM  b.py\n");
    free(a);
    free(b);
    free(ia);
    free(ib);
    free(ta.content);
    free(tb.content);
    svc_fix_result_free(&res);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* ---- staging ------------------------------------------------------------------------------ */

static void test_stage_only_the_fix(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", twenty_lines }, { NULL, NULL } };
    char *root = git_repo(files);
    /* the user's own unstaged edits: a line added at the top (offsets shift) and line 18 changed */
    char *mine = tl_read(root, "a.py");
    svc_buf b = { 0 };
    svc_buf_puts(&b, "import os\n");
    svc_buf_append(&b, mine, off(mine, "l18 = 18\n"));
    svc_buf_puts(&b, "l18 = 'user'\n");
    svc_buf_puts(&b, mine + off(mine, "l19 = 19\n"));
    tl_write(root, "a.py", b.data);
    svc_buf_free(&b);
    free(mine);

    tl_repo r;
    tl_repo_open(&r, root);
    text_fix t;
    make_text_fix(&t, root, "a.py", "l10 = 10", "l10 = 'fix'");
    const svc_fix *fixes[] = { &t.f };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 1, true, &res, 0), 1);
    expect_sh(root, "git diff --cached -U0 | grep -v '^index'",
              "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -10 +10 @@ l9 = 9\n-l10 = 10\n+l10 = 'fix'\n");
    expect_sh(root, "git diff -U0 | grep -v '^index'",
              "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -0,0 +1 @@\n+import os\n"
              "@@ -18 +19 @@ l17 = 17\n-l18 = 18\n+l18 = 'user'\n");
    free(t.content);
    svc_fix_result_free(&res);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_stage_refused_when_the_staged_version_differs_there(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", twenty_lines }, { "b.py", "y = 1\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    char *mine = tl_read(root, "a.py");
    mine[off(mine, "l10 = 10") + 6] = '9'; /* "l10 = 90": the user's unstaged edit, where the fix goes */
    tl_write(root, "a.py", mine);
    tl_repo r;
    tl_repo_open(&r, root);
    text_fix ta, tb;
    make_text_fix(&ta, root, "a.py", "l10 = 90", "l10 = 'fix'");
    make_text_fix(&tb, root, "b.py", "y = 1", "y = 2");
    const svc_fix *fixes[] = { &ta.f, &tb.f };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 2, true, &res, 0), 1);
    assert_int_equal(res.skipped, 1);
    if (!has_message(&res, "a.py: the fix cannot be staged alone: you changed these lines and did not stage the change (line 10)")) dump_messages(&res);
    assert_true(has_message(&res, "a.py: the fix cannot be staged alone: you changed these lines and did not stage the change (line 10)"));
    /* nothing of the refused fix is applied, not even to the work tree */
    char *now = tl_read(root, "a.py");
    assert_string_equal(now, mine);
    expect_sh(root, "git diff --cached --name-only", "b.py\n");
    free(now);
    free(mine);
    free(ta.content);
    free(tb.content);
    svc_fix_result_free(&res);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_locked_index(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", "x = 1\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    tl_write(root, ".git/index.lock", "");
    tl_repo r;
    tl_repo_open(&r, root);
    text_fix t;
    make_text_fix(&t, root, "a.py", "x = 1", "x = 2");
    const svc_fix *fixes[] = { &t.f };
    svc_fix_result res;
    svc_error err = SVC_ERROR_INIT;
    svc_fix_options opts = { true, NULL, NULL, NULL };
    assert_int_equal(svc_fix_apply(r.model, fixes, 1, &opts, &res, &err), SVC_EUNSAFE);
    assert_non_null(strstr(err.message, "the git index is locked by another git process"));
    assert_non_null(strstr(err.message, "nothing was changed"));
    assert_int_equal(res.applied, 0);
    assert_int_equal(res.skipped, 1);
    char *now = tl_read(root, "a.py");
    assert_string_equal(now, "x = 1\n");
    free(now);
    char *lock = svc_xasprintf("%s/.git/index.lock", root);
    unlink(lock);
    free(lock);
    expect_sh(root, "git status --porcelain", "");
    struct stat st;
    char *record = svc_xasprintf("%s/.git/svcscope/undo/record", root);
    assert_int_not_equal(stat(record, &st), 0);
    free(record);
    free(t.content);
    svc_fix_result_free(&res);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_conflicted_entry(void **state)
{
    (void)state;
    const tl_file files[] = { { "c.py", "x = 1\n" }, { "d.py", "y = 1\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    tl_git(root, "checkout -q -b other");
    tl_write(root, "c.py", "x = 2\n");
    tl_git(root, "commit -q -am other");
    tl_git(root, "checkout -q main");
    tl_write(root, "c.py", "x = 3\n");
    tl_git(root, "commit -q -am main");
    int rc = 0;
    free(sh_rc(root, "git merge other", &rc));
    assert_int_not_equal(rc, 0); /* a real conflict */
    char *before = tl_read(root, "c.py");
    char *ls_before = sh(root, "git ls-files -s");

    tl_repo r;
    tl_repo_open(&r, root);
    text_fix tc, td;
    make_text_fix(&tc, root, "c.py", "<<<<<<< HEAD", "<<<<<<< ours");
    make_text_fix(&td, root, "d.py", "y = 1", "y = 2");
    const svc_fix *fixes[] = { &tc.f, &td.f };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 2, true, &res, 0), 1);
    assert_true(has_message(&res, "c.py: has merge conflicts in the git index; resolve them first (not fixed)"));
    char *after = tl_read(root, "c.py");
    assert_string_equal(after, before);
    /* the conflict stages are still there; d.py is staged */
    char *ls_after = sh(root, "git ls-files -s c.py");
    assert_non_null(strstr(ls_after, " 1\tc.py"));
    assert_non_null(strstr(ls_after, " 3\tc.py"));
    expect_sh(root, "git diff --cached --name-only -- d.py", "d.py\n");
    free(before);
    free(after);
    free(ls_before);
    free(ls_after);
    free(tc.content);
    free(td.content);
    svc_fix_result_free(&res);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_untracked_file_not_staged(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", "x = 1\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    tl_write(root, "new.py", "z = 1\n");
    tl_repo r;
    tl_repo_open(&r, root);
    text_fix t;
    make_text_fix(&t, root, "new.py", "z = 1", "z = 2");
    const svc_fix *fixes[] = { &t.f };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 1, true, &res, 0), 0);
    assert_true(has_message(&res, "new.py: not tracked by git, so it cannot be staged"));
    char *now = tl_read(root, "new.py");
    assert_string_equal(now, "z = 1\n");
    free(now);
    svc_fix_result_free(&res);
    /* without --stage the same fix applies */
    assert_int_equal(apply(r.model, fixes, 1, false, &res, 0), 1);
    now = tl_read(root, "new.py");
    assert_string_equal(now, "z = 2\n");
    free(now);
    free(t.content);
    svc_fix_result_free(&res);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_stage_outside_git(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write(root, "a.py", "x = 1\n");
    tl_repo r;
    tl_repo_open(&r, root);
    text_fix t;
    make_text_fix(&t, root, "a.py", "x = 1", "x = 2");
    const svc_fix *fixes[] = { &t.f };
    svc_fix_result res;
    svc_error err = SVC_ERROR_INIT;
    svc_fix_options opts = { true, NULL, NULL, NULL };
    assert_int_equal(svc_fix_apply(r.model, fixes, 1, &opts, &res, &err), SVC_EUSAGE);
    assert_non_null(strstr(err.message, "--stage needs a git repository"));
    svc_fix_result_free(&res);
    /* without staging it works, and undo finds its record in the folder given */
    char *undo = tl_tempdir();
    opts.stage = false;
    opts.undo_dir = undo;
    assert_int_equal(svc_fix_apply(r.model, fixes, 1, &opts, &res, &err), 0);
    assert_int_equal(res.applied, 1);
    svc_fix_result_free(&res);
    assert_int_equal(svc_fix_undo(root, undo, NULL, &res, &err), 0);
    char *now = tl_read(root, "a.py");
    assert_string_equal(now, "x = 1\n");
    free(now);
    svc_fix_result_free(&res);
    free(t.content);
    tl_repo_close(&r);
    tl_rmrf(undo);
    free(undo);
    tl_rmrf(root);
    free(root);
}

/* ---- refusals ------------------------------------------------------------------------------ */

static void test_changed_on_disk_not_touched(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", "x = 1\n" }, { "b.py", "y = 1\n" }, { "c.py", "z = 1\n" }, { NULL, NULL } };
    char *root = tl_tempdir();
    tl_write_files(root, files);
    /* b.py older than the index: its entry is not racily clean, so its blob id is trusted */
    char *bfull = svc_xasprintf("%s/b.py", root);
    struct utimbuf old_times = { 1500000000, 1500000000 };
    utime(bfull, &old_times);
    free(bfull);
    tl_git(root, "init -q");
    tl_git(root, "add -A");
    tl_git(root, "commit -q -m initial");
    tl_write(root, "c.py", "z = 11\n"); /* modified before loading: no blob id known for it */
    tl_repo r;
    tl_repo_open(&r, root);
    assert_true(svc_source_at(r.source, (size_t)svc_source_find(r.source, "b.py"))->has_oid);
    text_fix ta, tb, tc;
    make_text_fix(&ta, root, "a.py", "x = 1", "x = 2");
    make_text_fix(&tb, root, "b.py", "y = 1", "y = 2");
    make_text_fix(&tc, root, "c.py", "z = 11", "z = 12");
    /* after loading: a.py grows, b.py changes with the same size, c.py a same-size rename */
    tl_write(root, "a.py", "x = 1\nx = 5\n");
    tl_write(root, "b.py", "y = 7\n");
    tl_write(root, "c.py", "w = 11\n");
    const svc_fix *fixes[] = { &ta.f, &tb.f, &tc.f };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 3, false, &res, 0), 0);
    assert_int_equal(res.skipped, 3);
    assert_true(has_message(&res, "a.py: changed on disk since it was read; reload and try again"));
    assert_true(has_message(&res, "b.py: changed on disk since it was read; reload and try again"));
    assert_true(has_message(&res, "c.py: changed on disk since it was read; reload and try again"));
    char *a = tl_read(root, "a.py"), *b = tl_read(root, "b.py"), *c = tl_read(root, "c.py");
    assert_string_equal(a, "x = 1\nx = 5\n");
    assert_string_equal(b, "y = 7\n");
    assert_string_equal(c, "w = 11\n");
    free(a);
    free(b);
    free(c);
    free(ta.content);
    free(tb.content);
    free(tc.content);
    svc_fix_result_free(&res);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_syntax_error_rolled_back(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", "import os\n\n\ndef f():\n    return os.sep\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    tl_repo r;
    tl_repo_open(&r, root);
    char *content = tl_read(root, "a.py");
    svc_edit good = edit("a.py", off(content, "import os\n") + 10, off(content, "import os\n") + 10, "import sys\n");
    svc_edit bad = edit("a.py", off(content, "return os.sep"), off(content, "return os.sep") + 6, "return (");
    svc_fix fg = fix_of("add sys", &good, 1, NULL, 0), fb = fix_of("break it", &bad, 1, NULL, 0);
    const svc_fix *fixes[] = { &fb, &fg };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 2, true, &res, 0), 1);
    assert_int_equal(res.skipped, 1);
    assert_true(has_message(&res, "a.py: the fix would add a syntax error near line 5; rolled back"));
    char *now = tl_read(root, "a.py");
    assert_string_equal(now, "import os\nimport sys\n\n\ndef f():\n    return os.sep\n");
    free(now);
    free(content);
    svc_fix_result_free(&res);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_overlapping_fix_skipped_identical_edits_shared(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", "import os\nx = os.sep\ny = os.sep\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    tl_repo r;
    tl_repo_open(&r, root);
    char *content = tl_read(root, "a.py");
    uint32_t x = off(content, "x = os.sep"), y = off(content, "y = os.sep"), top = off(content, "x = ");
    svc_edit e1[] = { edit("a.py", top, top, "import sys\n"), edit("a.py", x, x + 1, "xx") };
    svc_edit e2[] = { edit("a.py", top, top, "import sys\n"), edit("a.py", y, y + 1, "yy") };
    svc_edit e3[] = { edit("a.py", x, x + 10, "x = None") };
    svc_fix f1 = fix_of("one", e1, 2, NULL, 0), f2 = fix_of("two", e2, 2, NULL, 0), f3 = fix_of("three", e3, 1, NULL, 0);
    const svc_fix *fixes[] = { &f1, &f2, &f3 };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 3, false, &res, 0), 2);
    assert_true(has_message(&res, "a.py: overlaps the edits of an earlier fix; run svcscope fix again to apply it "
                                  "(fix: three)"));
    /* which of the batch were applied, for fronts that mark them (the explorer) */
    assert_non_null(res.fix_applied);
    assert_true(res.fix_applied[0]);
    assert_true(res.fix_applied[1]);
    assert_false(res.fix_applied[2]);
    char *now = tl_read(root, "a.py");
    assert_string_equal(now, "import os\nimport sys\nxx = os.sep\nyy = os.sep\n");
    free(now);
    free(content);
    svc_fix_result_free(&res);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_create_refused_when_exists(void **state)
{
    (void)state;
    const tl_file files[] = { { "pkg/a.py", "x = 1\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    tl_repo r;
    tl_repo_open(&r, root);
    tl_write(root, "pkg/__init__.py", "# mine\n"); /* appeared after loading */
    svc_file_op ops[] = { { SVC_FILE_CREATE, "pkg/__init__.py", NULL, "" } };
    svc_file_op mv[] = { { SVC_FILE_MOVE, "pkg/a.py", "pkg/__init__.py", NULL } };
    svc_fix f = fix_of("create", NULL, 0, ops, 1), g = fix_of("move", NULL, 0, mv, 1);
    const svc_fix *fixes[] = { &f, &g };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 2, false, &res, 0), 0);
    assert_true(has_message(&res, "pkg/__init__.py: already exists; not overwritten (fix: create)"));
    assert_true(has_message(&res, "pkg/__init__.py: already exists; not overwritten (fix: move)"));
    char *now = tl_read(root, "pkg/__init__.py");
    assert_string_equal(now, "# mine\n");
    free(now);
    svc_fix_result_free(&res);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* ---- create, move, undo ------------------------------------------------------------------------ */

static const tl_file layout_files[] = {
    { "services/__init__.py", "" },
    { "services/billing/__init__.py", "" },
    { "services/billing/invoices.py", "def create(order):\n    return order\n" },
    { "services/billing/test_invoices.py", "from .invoices import create\n\n\ndef test_create():\n    assert create(1)\n" },
    { "services/billing/notes.txt", "keep me\n" },
    { NULL, NULL },
};

typedef struct layout_fixes {
    char *content;
    svc_edit e;
    svc_file_op create[2];
    svc_file_op move;
    svc_fix f_create, f_move;
} layout_fixes;

static void make_layout_fixes(layout_fixes *l, const char *root)
{
    l->content = tl_read(root, "services/billing/test_invoices.py");
    uint32_t s = off(l->content, "from .invoices");
    l->e = edit("services/billing/test_invoices.py", s, s + 6, "from ..");
    l->create[0] = (svc_file_op){ SVC_FILE_CREATE, "services/billing/tests/__init__.py", NULL, "" };
    l->move = (svc_file_op){ SVC_FILE_MOVE, "services/billing/test_invoices.py",
                             "services/billing/tests/test_invoices.py", NULL };
    l->f_create = fix_of("create tests/__init__.py", NULL, 0, l->create, 1);
    l->f_move = fix_of("move the test", &l->e, 1, &l->move, 1);
}

static void test_create_and_move_staged(void **state)
{
    (void)state;
    char *root = git_repo(layout_files);
    tl_repo r;
    tl_repo_open(&r, root);
    layout_fixes l;
    make_layout_fixes(&l, root);
    const svc_fix *fixes[] = { &l.f_create, &l.f_move };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 2, true, &res, 0), 2);
    if (res.nmessages) dump_messages(&res);
    assert_int_equal(res.nchanged, 3);
    expect_sh(root, "git status --porcelain",
              "A  services/billing/tests/__init__.py\n"
              "R  services/billing/test_invoices.py -> services/billing/tests/test_invoices.py\n");
    char *moved = tl_read(root, "services/billing/tests/test_invoices.py");
    assert_string_equal(moved, "from ..invoices import create\n\n\ndef test_create():\n    assert create(1)\n");
    char *staged = sh(root, "git show :services/billing/tests/test_invoices.py");
    assert_string_equal(staged, moved);
    struct stat st;
    char *old = svc_xasprintf("%s/services/billing/test_invoices.py", root);
    assert_int_not_equal(stat(old, &st), 0);
    free(old);
    free(moved);
    free(staged);
    free(l.content);
    svc_fix_result_free(&res);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_undo_restores_work_tree_and_index(void **state)
{
    (void)state;
    char *root = git_repo(layout_files);
    /* a staged change and an unstaged change the batch must leave as they were */
    tl_write(root, "services/billing/invoices.py", "def create(order):\n    return order or None\n");
    tl_git(root, "add services/billing/invoices.py");
    tl_write(root, "services/billing/invoices.py", "def create(order):\n    return order or 0\n");
    tl_write(root, "services/billing/__init__.py", "# billing\n");
    char *ls_before = sh(root, "git ls-files -s");
    char *status_before = sh(root, "git status --porcelain");
    char *inv_before = tl_read(root, "services/billing/invoices.py");
    char *init_before = tl_read(root, "services/billing/__init__.py");
    char *test_before = tl_read(root, "services/billing/test_invoices.py");

    tl_repo r;
    tl_repo_open(&r, root);
    layout_fixes l;
    make_layout_fixes(&l, root);
    text_fix t;
    make_text_fix(&t, root, "services/billing/invoices.py", "return order or 0", "return order or 1");
    const svc_fix *fixes[] = { &l.f_create, &l.f_move, &t.f };
    svc_fix_result res;
    /* the edit to invoices.py cannot be staged alone (the staged line differs), so it is not applied */
    assert_int_equal(apply(r.model, fixes, 3, true, &res, 0), 2);
    svc_fix_result_free(&res);
    char *ls_mid = sh(root, "git ls-files -s");
    assert_string_not_equal(ls_mid, ls_before);

    svc_error err = SVC_ERROR_INIT;
    int rc = svc_fix_undo(root, NULL, NULL, &res, &err);
    if (rc != 0) fail_msg("undo: %s", err.message);
    assert_int_equal(res.nchanged, 3);
    svc_fix_result_free(&res);
    char *ls_after = sh(root, "git ls-files -s");
    assert_string_equal(ls_after, ls_before);
    char *status_after = sh(root, "git status --porcelain");
    assert_string_equal(status_after, status_before);
    char *inv = tl_read(root, "services/billing/invoices.py");
    char *init = tl_read(root, "services/billing/__init__.py");
    char *test = tl_read(root, "services/billing/test_invoices.py");
    assert_string_equal(inv, inv_before);
    assert_string_equal(init, init_before);
    assert_string_equal(test, test_before);
    struct stat st;
    char *tests_dir = svc_xasprintf("%s/services/billing/tests", root);
    assert_int_not_equal(stat(tests_dir, &st), 0); /* the folder the fix made is gone */
    free(tests_dir);

    /* it was the only batch */
    rc = svc_fix_undo(root, NULL, NULL, &res, &err);
    assert_int_equal(rc, SVC_ENOTFOUND);
    assert_non_null(strstr(err.message, "nothing to undo"));
    svc_fix_result_free(&res);

    free(ls_before);
    free(ls_mid);
    free(ls_after);
    free(status_before);
    free(status_after);
    free(inv_before);
    free(init_before);
    free(test_before);
    free(inv);
    free(init);
    free(test);
    free(l.content);
    free(t.content);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_undo_refused_after_changes(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", "x = 1\n" }, { "b.py", "y = 1\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    tl_repo r;
    tl_repo_open(&r, root);
    text_fix ta, tb;
    make_text_fix(&ta, root, "a.py", "x = 1", "x = 2");
    make_text_fix(&tb, root, "b.py", "y = 1", "y = 2");
    const svc_fix *fixes[] = { &ta.f, &tb.f };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 2, true, &res, 0), 2);
    svc_fix_result_free(&res);
    tl_write(root, "b.py", "y = 3\n"); /* the user goes on working */
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_fix_undo(root, NULL, NULL, &res, &err), SVC_EUNSAFE);
    assert_non_null(strstr(err.message, "b.py: changed since the fix was applied; not undone"));
    svc_fix_result_free(&res);
    char *a = tl_read(root, "a.py");
    assert_string_equal(a, "x = 2\n"); /* all or nothing */
    free(a);
    /* put it back and the undo goes through */
    tl_write(root, "b.py", "y = 2\n");
    assert_int_equal(svc_fix_undo(root, NULL, NULL, &res, &err), 0);
    svc_fix_result_free(&res);
    expect_sh(root, "git status --porcelain", "");
    free(ta.content);
    free(tb.content);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* A damaged undo record is an I/O error (SVC_EIO), never a usage error (SVC_EUSAGE): undo and the
 * history name the record, and nothing is undone until it reads again. */
static void test_damaged_undo_record(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", "x = 1\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    tl_repo r;
    tl_repo_open(&r, root);
    text_fix t;
    make_text_fix(&t, root, "a.py", "x = 1", "x = 2");
    const svc_fix *fixes[] = { &t.f };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 1, false, &res, 0), 1);
    svc_fix_result_free(&res);
    const char *record = ".git/svcscope/undo/000001/record", *data = ".git/svcscope/undo/000001/data";
    char *good = tl_read(root, record), *bytes = tl_read(root, data);
    assert_non_null(strstr(good, "svcscope-undo 2\n"));
    char *other_version = svc_xstrdup(good);
    other_version[strlen("svcscope-undo ")] = '9';
    char *cut = svc_xstrndup(good, strlen(good) / 2);
    char *unknown = svc_xasprintf("%sbogus line\n", good);
    const char *damaged[] = { other_version, cut, unknown, "" };
    for (size_t i = 0; i < sizeof damaged / sizeof *damaged; i++) {
        tl_write(root, record, damaged[i]);
        svc_error err = SVC_ERROR_INIT;
        int rc = svc_fix_undo(root, NULL, NULL, &res, &err);
        if (rc != SVC_EIO) fail_msg("damage %zu: undo gave %d (%s), not SVC_EIO", i, rc, err.message);
        assert_non_null(strstr(err.message, "000001/record: not a readable undo record"));
        svc_fix_result_free(&res);
        svc_fix_batch_info *h = NULL;
        size_t n = 0;
        svc_error herr = SVC_ERROR_INIT;
        assert_int_equal(svc_fix_history(root, NULL, NULL, &h, &n, &herr), SVC_EIO);
        assert_non_null(strstr(herr.message, "not a readable undo record"));
        svc_fix_history_free(h, n);
        char *now = tl_read(root, "a.py");
        assert_string_equal(now, "x = 2\n");
        free(now);
    }
    /* the record whole but its data gone: undo cannot put the bytes back */
    tl_write(root, record, good);
    char *data_path = svc_xasprintf("%s/%s", root, data);
    assert_int_equal(unlink(data_path), 0);
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_fix_undo(root, NULL, NULL, &res, &err), SVC_EIO);
    assert_non_null(strstr(err.message, "the undo record is incomplete"));
    svc_fix_result_free(&res);
    /* both back: undone */
    tl_write(root, data, bytes);
    assert_int_equal(svc_fix_undo(root, NULL, NULL, &res, &err), 0);
    svc_fix_result_free(&res);
    char *now = tl_read(root, "a.py");
    assert_string_equal(now, "x = 1\n");
    free(now);
    free(data_path);
    free(other_version);
    free(cut);
    free(unknown);
    free(good);
    free(bytes);
    free(t.content);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* ---- crash consistency, undo history, index flags, refusals ------------------------------------ */

#define CRASH_FILES 6

/* The race hook of a child that is killed (SIGKILL, as by a power cut) at the n-th moment. */
static int kill_countdown;
static const char *kill_moment;

static void kill_at(const char *full, const char *moment)
{
    (void)full;
    if (strcmp(moment, kill_moment) == 0 && --kill_countdown == 0) raise(SIGKILL);
}

static char *crash_repo(void)
{
    char *root = tl_tempdir();
    for (int i = 0; i < CRASH_FILES; i++) {
        char *path = svc_xasprintf("m%d.py", i);
        tl_write(root, path, "import os\n\n\ndef f():\n    return os.sep\n");
        free(path);
    }
    tl_git(root, "init -q");
    tl_git(root, "add -A");
    tl_git(root, "commit -q -m initial");
    /* the user's own work: a staged change and an unstaged one, away from the fixed lines */
    tl_write(root, "m1.py", "import os\n\n\ndef f():\n    return os.sep\n\n\nSTAGED = 1\n");
    tl_git(root, "add m1.py");
    tl_write(root, "m1.py", "import os\n\n\ndef f():\n    return os.sep\n\n\nSTAGED = 1\nUNSTAGED = 2\n");
    return root;
}

/* Everything git and the disk say about the repository: bytes of every file, index, flags. */
static char *snapshot(const char *root)
{
    return sh(root, "find . -path ./.git -prune -o -type f -print | sort | xargs -I@ sh -c 'echo \"== @\"; cat @' "
                    "&& git ls-files -s -v && git ls-files --debug | grep -o 'flags: .*' && git status --porcelain");
}

static void crash_and_recover(const char *moment, int nth)
{
    char *root = crash_repo();
    char *before = snapshot(root);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        tl_repo r;
        tl_repo_open(&r, root);
        text_fix t[CRASH_FILES];
        const svc_fix *fixes[CRASH_FILES];
        for (int i = 0; i < CRASH_FILES; i++) {
            char *path = svc_xasprintf("m%d.py", i);
            make_text_fix(&t[i], root, path, "import os\n", "import os\nimport sys\n");
            fixes[i] = &t[i].f;
        }
        kill_moment = moment;
        kill_countdown = nth;
        svc_file_set_race_hook(kill_at);
        svc_fix_result res;
        svc_error err = SVC_ERROR_INIT;
        svc_fix_options opts = { true, NULL, NULL, NULL };
        svc_fix_apply(r.model, fixes, CRASH_FILES, &opts, &res, &err);
        _exit(3); /* not killed: the countdown was never reached */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) fail_msg("the batch was not killed (status %d)", status);

    svc_fix_batch_info *h = NULL;
    size_t n = 0;
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_fix_history(root, NULL, NULL, &h, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_false(h[0].complete);
    assert_int_equal(h[0].npaths, CRASH_FILES);
    svc_fix_history_free(h, n);

    svc_fix_result res;
    int rc = svc_fix_undo(root, NULL, NULL, &res, &err);
    if (rc != 0) fail_msg("undo after a kill at %s #%d: %s", moment, nth, err.message);
    /* the files it had written are restored; the others are named */
    size_t restored = res.nchanged;
    assert_true(restored <= CRASH_FILES);
    if (restored < CRASH_FILES) {
        assert_int_equal(res.nmessages, 1);
        assert_non_null(strstr(res.messages[0], "the batch was interrupted"));
    }
    svc_fix_result_free(&res);
    char *after = snapshot(root);
    assert_string_equal(after, before);
    assert_false(temp_files_left(root));
    assert_int_equal(svc_fix_undo(root, NULL, NULL, &res, &err), SVC_ENOTFOUND);
    svc_fix_result_free(&res);
    free(before);
    free(after);
    tl_rmrf(root);
    free(root);
}

static void test_killed_batch_is_undone_exactly(void **state)
{
    (void)state;
    /* killed before the n-th file's switch (a temp file is left), and after the n-th file */
    for (int nth = 1; nth <= CRASH_FILES; nth++) {
        crash_and_recover("checked", nth);
        crash_and_recover("released", nth);
    }
}

static void test_undo_history(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", "x = 1\n" }, { "b.py", "y = 1\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    char *snap[4];
    snap[0] = snapshot(root);
    const char *steps[3][3] = { { "a.py", "x = 1", "x = 2" }, { "b.py", "y = 1", "y = 2" }, { "a.py", "x = 2", "x = 3" } };
    for (int i = 0; i < 3; i++) {
        tl_repo r;
        tl_repo_open(&r, root);
        text_fix t;
        make_text_fix(&t, root, steps[i][0], steps[i][1], steps[i][2]);
        const svc_fix *fixes[] = { &t.f };
        svc_fix_result res;
        assert_int_equal(apply(r.model, fixes, 1, i != 1, &res, 0), 1);
        svc_fix_result_free(&res);
        free(t.content);
        tl_repo_close(&r);
        snap[i + 1] = snapshot(root);
    }
    svc_fix_batch_info *h = NULL;
    size_t n = 0;
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_fix_history(root, NULL, NULL, &h, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(h[0].paths[0], "a.py"); /* newest first */
    assert_string_equal(h[1].paths[0], "b.py");
    assert_false(h[1].staged);
    assert_true(h[0].complete && h[1].complete && h[2].complete);
    svc_fix_history_free(h, n);

    /* a later edit to a file of the newest batch: refused with the reason, nothing changed */
    tl_write(root, "a.py", "x = 9\n");
    svc_fix_result res;
    assert_int_equal(svc_fix_undo(root, NULL, NULL, &res, &err), SVC_EUNSAFE);
    assert_non_null(strstr(err.message, "a.py: changed since the fix was applied"));
    svc_fix_result_free(&res);
    tl_write(root, "a.py", "x = 3\n");
    for (int i = 3; i > 0; i--) {
        int rc = svc_fix_undo(root, NULL, NULL, &res, &err);
        if (rc != 0) fail_msg("undo #%d: %s", 4 - i, err.message);
        svc_fix_result_free(&res);
        char *now = snapshot(root);
        assert_string_equal(now, snap[i - 1]);
        free(now);
    }
    assert_int_equal(svc_fix_undo(root, NULL, NULL, &res, &err), SVC_ENOTFOUND);
    svc_fix_result_free(&res);
    for (int i = 0; i < 4; i++) free(snap[i]);
    tl_rmrf(root);
    free(root);
}

static void test_index_flags_kept_and_hidden_files_left_alone(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", "x = 1\n" }, { "b.py", "y = 1\n" }, { "c.py", "z = 1\n" },
                              { "d.py", "w = 1\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    /* local-only edits git is told to ignore, and a file added with -N */
    tl_write(root, "b.py", "y = 1\nLOCAL = 1\n");
    tl_git(root, "update-index --skip-worktree b.py");
    tl_write(root, "c.py", "z = 1\nLOCAL = 1\n");
    tl_git(root, "update-index --assume-unchanged c.py");
    tl_write(root, "e.py", "v = 1\n");
    tl_git(root, "add -N e.py");
    char *flags_before = sh(root, "git ls-files -v");
    tl_repo r;
    tl_repo_open(&r, root);
    text_fix ta, tb, tc, te;
    make_text_fix(&ta, root, "a.py", "x = 1", "x = 2");
    make_text_fix(&tb, root, "b.py", "y = 1", "y = 2");
    make_text_fix(&tc, root, "c.py", "z = 1", "z = 2");
    make_text_fix(&te, root, "e.py", "v = 1", "v = 2");
    const svc_fix *fixes[] = { &ta.f, &tb.f, &tc.f, &te.f };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 4, true, &res, 0), 1);
    if (!has_message(&res, "b.py: is marked skip-worktree") || !has_message(&res, "c.py: is marked assume-unchanged") ||
        !has_message(&res, "e.py: is intent-to-add")) {
        dump_messages(&res);
        fail_msg("the hidden files were not refused with their reason");
    }
    svc_fix_result_free(&res);
    char *b = tl_read(root, "b.py"), *c = tl_read(root, "c.py");
    assert_string_equal(b, "y = 1\nLOCAL = 1\n");
    assert_string_equal(c, "z = 1\nLOCAL = 1\n");
    char *flags_after = sh(root, "git ls-files -v");
    assert_string_equal(flags_after, flags_before); /* S b.py, h c.py, H e.py (i-t-a) as they were */
    expect_sh(root, "git diff --cached --name-only", "a.py\n");
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_fix_undo(root, NULL, NULL, &res, &err), 0);
    svc_fix_result_free(&res);
    char *flags_undone = sh(root, "git ls-files -v");
    assert_string_equal(flags_undone, flags_before);
    free(b);
    free(c);
    free(flags_before);
    free(flags_after);
    free(flags_undone);
    free(ta.content);
    free(tb.content);
    free(tc.content);
    free(te.content);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_read_only_file_refused(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", "x = 1\n" }, { NULL, NULL } };
    char *root = git_repo(files);
    char *full = svc_xasprintf("%s/a.py", root);
    chmod(full, 0444);
    tl_repo r;
    tl_repo_open(&r, root);
    text_fix t;
    make_text_fix(&t, root, "a.py", "x = 1", "x = 2");
    const svc_fix *fixes[] = { &t.f };
    svc_fix_result res;
    assert_int_equal(apply(r.model, fixes, 1, false, &res, 0), 0);
    assert_true(has_message(&res, "a.py: is read-only (mode 0444)"));
    svc_fix_result_free(&res);
    char *a = tl_read(root, "a.py");
    assert_string_equal(a, "x = 1\n");
    struct stat st;
    assert_int_equal(stat(full, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0444);
    free(a);
    free(full);
    free(t.content);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* ---- diff ------------------------------------------------------------------------------------ */

static void test_diff(void **state)
{
    (void)state;
    char *root = git_repo(layout_files);
    tl_repo r;
    tl_repo_open(&r, root);
    layout_fixes l;
    make_layout_fixes(&l, root);
    svc_file_op mk = { SVC_FILE_CREATE, "services/billing/conf.py", NULL, "A = 1\nB = 2" };
    svc_fix f_mk = fix_of("conf", NULL, 0, &mk, 1);
    text_fix t;
    make_text_fix(&t, root, "services/billing/invoices.py", "return order\n", "return order  # ok\n");
    const svc_fix *fixes[] = { &l.f_create, &l.f_move, &f_mk, &t.f };
    svc_error err = SVC_ERROR_INIT;
    char *diff = svc_fix_diff(r.model, fixes, 4, &err);
    assert_non_null(diff);
    const char *want =
        "diff --git a/services/billing/conf.py b/services/billing/conf.py\n"
        "new file mode 100644\n"
        "--- /dev/null\n"
        "+++ b/services/billing/conf.py\n"
        "@@ -0,0 +1,2 @@\n"
        "+A = 1\n"
        "+B = 2\n"
        "\\ No newline at end of file\n"
        "diff --git a/services/billing/invoices.py b/services/billing/invoices.py\n"
        "--- a/services/billing/invoices.py\n"
        "+++ b/services/billing/invoices.py\n"
        "@@ -1,2 +1,2 @@\n"
        " def create(order):\n"
        "-    return order\n"
        "+    return order  # ok\n"
        "diff --git a/services/billing/test_invoices.py b/services/billing/tests/test_invoices.py\n"
        "rename from services/billing/test_invoices.py\n"
        "rename to services/billing/tests/test_invoices.py\n"
        "--- a/services/billing/test_invoices.py\n"
        "+++ b/services/billing/tests/test_invoices.py\n"
        "@@ -1,4 +1,4 @@\n"
        "-from .invoices import create\n"
        "+from ..invoices import create\n"
        " \n"
        " \n"
        " def test_create():\n"
        "diff --git a/services/billing/tests/__init__.py b/services/billing/tests/__init__.py\n"
        "new file mode 100644\n";
    if (strcmp(diff, want) != 0) fail_msg("diff:\n%s\nwanted:\n%s", diff, want);
    /* nothing written, and git accepts the patch */
    expect_sh(root, "git status --porcelain", "");
    char *patch = svc_xasprintf("%s/../fix.patch", root);
    FILE *f = fopen(patch, "wb");
    fputs(diff, f);
    fclose(f);
    char *cmd = svc_xasprintf("git apply --check '%s'", patch);
    free(sh(root, cmd));
    remove(patch);
    free(cmd);
    free(patch);
    free(diff);
    free(l.content);
    free(t.content);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_diff_hunks(void **state)
{
    (void)state;
    const tl_file files[] = { { "a.py", twenty_lines }, { "b.py", "x = 1" }, { NULL, NULL } };
    char *root = git_repo(files);
    tl_repo r;
    tl_repo_open(&r, root);
    char *a = tl_read(root, "a.py");
    /* two edits 5 lines apart share a hunk; one far away has its own; a line deleted */
    svc_edit ea[] = {
        edit("a.py", off(a, "l2 = 2"), off(a, "l2 = 2") + 6, "l2 = 'two'"),
        edit("a.py", off(a, "l8 = 8\n"), off(a, "l9 = 9\n"), ""),
        edit("a.py", off(a, "l20 = 20\n") + 9, off(a, "l20 = 20\n") + 9, "l21 = 21\n"),
    };
    svc_edit eb = edit("b.py", 5, 5, "\n");
    svc_fix fa = fix_of("a", ea, 3, NULL, 0), fb = fix_of("b", &eb, 1, NULL, 0);
    const svc_fix *fixes[] = { &fa, &fb };
    svc_error err = SVC_ERROR_INIT;
    char *diff = svc_fix_diff(r.model, fixes, 2, &err);
    const char *want = "diff --git a/a.py b/a.py\n"
                       "--- a/a.py\n"
                       "+++ b/a.py\n"
                       "@@ -1,11 +1,10 @@\n"
                       " l1 = 1\n"
                       "-l2 = 2\n"
                       "+l2 = 'two'\n"
                       " l3 = 3\n"
                       " l4 = 4\n"
                       " l5 = 5\n"
                       " l6 = 6\n"
                       " l7 = 7\n"
                       "-l8 = 8\n"
                       " l9 = 9\n"
                       " l10 = 10\n"
                       " l11 = 11\n"
                       "@@ -18,3 +17,4 @@\n"
                       " l18 = 18\n"
                       " l19 = 19\n"
                       " l20 = 20\n"
                       "+l21 = 21\n"
                       "diff --git a/b.py b/b.py\n"
                       "--- a/b.py\n"
                       "+++ b/b.py\n"
                       "@@ -1,1 +1,1 @@\n"
                       "-x = 1\n"
                       "\\ No newline at end of file\n"
                       "+x = 1\n";
    if (strcmp(diff, want) != 0) fail_msg("diff:\n%s\nwanted:\n%s", diff, want);
    char *patch = svc_xasprintf("%s/../hunks.patch", root);
    FILE *f = fopen(patch, "wb");
    fputs(diff, f);
    fclose(f);
    char *cmd = svc_xasprintf("git apply '%s' && git diff --stat | tail -1", patch);
    expect_sh(root, cmd, " 2 files changed, 3 insertions(+), 3 deletions(-)\n");
    remove(patch);
    free(cmd);
    free(patch);
    free(diff);
    free(a);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_atomic_write_keeps_mode),
        cmocka_unit_test(test_crlf_and_bom_byte_exact),
        cmocka_unit_test(test_stage_only_the_fix),
        cmocka_unit_test(test_stage_refused_when_the_staged_version_differs_there),
        cmocka_unit_test(test_locked_index),
        cmocka_unit_test(test_conflicted_entry),
        cmocka_unit_test(test_untracked_file_not_staged),
        cmocka_unit_test(test_stage_outside_git),
        cmocka_unit_test(test_changed_on_disk_not_touched),
        cmocka_unit_test(test_syntax_error_rolled_back),
        cmocka_unit_test(test_overlapping_fix_skipped_identical_edits_shared),
        cmocka_unit_test(test_create_refused_when_exists),
        cmocka_unit_test(test_create_and_move_staged),
        cmocka_unit_test(test_undo_restores_work_tree_and_index),
        cmocka_unit_test(test_undo_refused_after_changes),
        cmocka_unit_test(test_killed_batch_is_undone_exactly),
        cmocka_unit_test(test_undo_history),
        cmocka_unit_test(test_damaged_undo_record),
        cmocka_unit_test(test_index_flags_kept_and_hidden_files_left_alone),
        cmocka_unit_test(test_read_only_file_refused),
        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_diff_hunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * svc_file_transition against a concurrent writer: another program appends to the file, saves
 * it by rename (as editors do), or writes through a descriptor it opened before, at each moment
 * of the switch; with the platform's exchange call and with the portable fallback. Whatever the
 * moment, the other program's bytes are on disk afterwards and the transition says "changed".
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "core/atomic_file.h"
#include "svcscope/util.h"

static const char *ORIGINAL = "def f():\n    return 1\n";
static const char *FIXED = "def f():\n    return 2\n";
static const char *APPENDED = "# saved by the editor\n";

typedef enum { APPEND, RENAME_SAVE, OLD_FD_WRITE } writer_kind;

static struct {
    const char *when;   /* the moment to strike */
    writer_kind kind;
    int old_fd;         /* OLD_FD_WRITE: opened at "checked" */
    int struck;
} race;

static void write_all(int fd, const char *s)
{
    size_t n = strlen(s);
    assert_int_equal(write(fd, s, n), (ssize_t)n);
}

static void hook(const char *full, const char *moment)
{
    if (race.struck) return; /* once: putting the other write back goes through these moments too */
    if (race.kind == OLD_FD_WRITE) {
        if (strcmp(moment, "checked") == 0 && race.old_fd < 0) race.old_fd = open(full, O_WRONLY | O_APPEND);
        if (strcmp(moment, race.when) == 0 && race.old_fd >= 0) {
            write_all(race.old_fd, APPENDED);
            close(race.old_fd);
            race.old_fd = -1;
            race.struck++;
        }
        return;
    }
    if (strcmp(moment, race.when) != 0) return;
    race.struck++;
    if (race.kind == APPEND) {
        int fd = open(full, O_WRONLY | O_APPEND);
        assert_true(fd >= 0);
        write_all(fd, APPENDED);
        close(fd);
    } else {
        char *tmp = svc_xasprintf("%s.editor-save", full);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        write_all(fd, "def f():\n    return 3\n");
        close(fd);
        assert_int_equal(rename(tmp, full), 0);
        free(tmp);
    }
}

static svc_file_state state(const char *s)
{
    svc_file_state st = { .exists = s != NULL, .bytes = SVC_UNCONST(char *, s), .len = s ? strlen(s) : 0, .mode = 0644 };
    return st;
}

/* Runs one transition of a fresh file with the writer striking at `when`; returns the rc. */
static int race_once(bool exchange, writer_kind kind, const char *when, bool removing, char **after)
{
    char *dir = tl_tempdir();
    tl_write(dir, "m.py", ORIGINAL);
    char *full = svc_xasprintf("%s/m.py", dir);
    chmod(full, 0644);
    race.when = when;
    race.kind = kind;
    race.old_fd = -1;
    race.struck = 0;
    svc_fs_exchange_set_enabled(exchange);
    svc_file_set_race_hook(when ? hook : NULL);
    svc_file_state from = state(ORIGINAL), to = state(removing ? NULL : FIXED);
    svc_error err = SVC_ERROR_INIT;
    int rc = svc_file_transition(full, &from, &to, &err);
    svc_file_set_race_hook(NULL);
    svc_fs_exchange_set_enabled(true);
    if (race.old_fd >= 0) close(race.old_fd);
    if (when && kind != OLD_FD_WRITE) assert_int_equal(race.struck, 1);
    if (rc == SVC_EUNSAFE) assert_non_null(strstr(err.message, "changed on disk"));
    struct stat st;
    *after = lstat(full, &st) == 0 ? tl_read(dir, "m.py") : NULL;
    /* no temp file is left beside it */
    char *cmd = svc_xasprintf("ls -A '%s' | grep -c svcscope >/dev/null", dir);
    assert_int_not_equal(system(cmd), 0);
    free(cmd);
    free(full);
    tl_rmrf(dir);
    free(dir);
    return rc;
}

static void expect_other_write_kept(bool exchange, writer_kind kind, const char *when, bool removing)
{
    char *after = NULL;
    int rc = race_once(exchange, kind, when, removing, &after);
    if (kind == OLD_FD_WRITE && race.struck == 0) { /* the descriptor was never reached: a plain run */
        assert_int_equal(rc, 0);
        free(after);
        return;
    }
    assert_int_equal(rc, SVC_EUNSAFE);
    assert_non_null(after);
    if (kind == RENAME_SAVE) {
        assert_string_equal(after, "def f():\n    return 3\n");
    } else {
        char *want = svc_xasprintf("%s%s", ORIGINAL, APPENDED);
        assert_string_equal(after, want);
        free(want);
    }
    free(after);
}

static void test_plain_transitions(void **state_)
{
    (void)state_;
    for (int ex = 0; ex < 2; ex++) {
        char *after = NULL;
        assert_int_equal(race_once(ex, APPEND, NULL, false, &after), 0);
        assert_string_equal(after, FIXED);
        free(after);
        assert_int_equal(race_once(ex, APPEND, NULL, true, &after), 0);
        assert_null(after);
    }
}

static void test_append_at_every_moment(void **state_)
{
    (void)state_;
    for (int ex = 0; ex < 2; ex++) {
        expect_other_write_kept(ex, APPEND, "checked", false);
        expect_other_write_kept(ex, APPEND, "checked", true);
    }
    /* right after the exchange, an append by path reaches the new file: nothing to lose */
    char *after = NULL;
    assert_int_equal(race_once(true, APPEND, "switched", false, &after), 0);
    char *want = svc_xasprintf("%s%s", FIXED, APPENDED);
    assert_string_equal(after, want);
    free(want);
    free(after);
}

static void test_editor_save_by_rename(void **state_)
{
    (void)state_;
    for (int ex = 0; ex < 2; ex++) expect_other_write_kept(ex, RENAME_SAVE, "checked", false);
    expect_other_write_kept(false, RENAME_SAVE, "checked", true);
}

static void test_write_through_an_old_descriptor(void **state_)
{
    (void)state_;
    /* opened before the switch, written after it: the bytes go to the replaced file, which is
     * still open, and come back */
    expect_other_write_kept(true, OLD_FD_WRITE, "switched", false);
    expect_other_write_kept(true, OLD_FD_WRITE, "released", false);
    expect_other_write_kept(false, OLD_FD_WRITE, "released", false);
    expect_other_write_kept(true, OLD_FD_WRITE, "released", true);
}

static void test_created_file_never_overwrites(void **state_)
{
    (void)state_;
    char *dir = tl_tempdir();
    tl_write(dir, "new.py", "mine\n");
    char *full = svc_xasprintf("%s/new.py", dir);
    svc_file_state from = state(NULL), to = state("theirs\n");
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_file_transition(full, &from, &to, &err), SVC_EUNSAFE);
    char *after = tl_read(dir, "new.py");
    assert_string_equal(after, "mine\n");
    free(after);
    free(full);
    tl_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_transitions),
        cmocka_unit_test(test_append_at_every_moment),
        cmocka_unit_test(test_editor_save_by_rename),
        cmocka_unit_test(test_write_through_an_old_descriptor),
        cmocka_unit_test(test_created_file_never_overwrites),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

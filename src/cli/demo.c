/* svcscope --demo: the bundled demo project in a fresh temporary git repository, removed on
 * exit unless --keep. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "svcscope/gitrepo.h"
#include "svcscope/util.h"

#ifndef SVC_DATADIR
#define SVC_DATADIR ""
#endif

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The demo next to the binary (build tree), in the source tree, or where `make install` put it. */
static char *find_demo(void)
{
    const char *env = getenv("SVCSCOPE_DEMO_DIR");
    if (env && *env) return is_dir(env) ? svc_xstrdup(env) : NULL;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char *p = svc_xasprintf("%s/examples/demo", exe);
            if (is_dir(p)) return p;
            free(p);
        }
    }
    const char *candidates[] = { SVC_SRCDIR "/examples/demo", SVC_DATADIR "/demo" };
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++)
        if (candidates[i][0] == '/' && is_dir(candidates[i])) return svc_xstrdup(candidates[i]);
    return NULL;
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0777);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t r;
    int rc = 0;
    while ((r = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)r) != r) { rc = -1; break; }
    if (r < 0) rc = -1;
    close(in);
    if (close(out) < 0) rc = -1;
    return rc;
}

static int copy_tree(const char *from, const char *to)
{
    if (mkdir(to, 0755) < 0 && errno != EEXIST) return -1;
    DIR *d = opendir(from);
    if (!d) return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || strcmp(e->d_name, "__pycache__") == 0)
            continue;
        char *src = svc_xasprintf("%s/%s", from, e->d_name);
        char *dst = svc_xasprintf("%s/%s", to, e->d_name);
        struct stat st;
        if (lstat(src, &st) == 0) {
            if (S_ISDIR(st.st_mode)) rc = copy_tree(src, dst);
            else if (S_ISREG(st.st_mode)) rc = copy_file(src, dst, st.st_mode);
        }
        free(src);
        free(dst);
    }
    closedir(d);
    return rc;
}

char *demo_create(bool keep)
{
    char *demo = find_demo();
    if (!demo) {
        cli_error("--demo: the bundled demo project was not found (set SVCSCOPE_DEMO_DIR to examples/demo)");
        return NULL;
    }
    const char *tmp = getenv("TMPDIR");
    char *dir = svc_xasprintf("%s/svcscope-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        cli_error("--demo: cannot create a temporary folder in %s: %s", tmp && *tmp ? tmp : "/tmp", strerror(errno));
        free(demo);
        free(dir);
        return NULL;
    }
    svc_error err = SVC_ERROR_INIT;
    if (copy_tree(demo, dir) < 0) {
        cli_error("--demo: copying %s to %s: %s", demo, dir, strerror(errno));
        free(demo);
        free(dir);
        return NULL;
    }
    free(demo);
    if (svc_git_init_commit_all(dir, "Demo shop: a Django + Celery project with a services package\n", &err) < 0) {
        cli_error("--demo: %s", err.message);
        free(dir);
        return NULL;
    }
    cli_error("demo project copied to %s (a git repo with one commit%s)", svc_quoted_path(dir),
              keep ? "" : "; removed on exit, --keep keeps it");
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

void demo_finish(const char *dir, bool keep)
{
    if (keep) {
        cli_error("the demo project stays in %s (--keep)", svc_quoted_path(dir));
        return;
    }
    /* Depth first, links not followed: only what the copy and git made is removed. */
    if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0)
        cli_error("--demo: could not remove %s: %s", svc_quoted_path(dir), strerror(errno));
}

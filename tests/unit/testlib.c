#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "svcscope/util.h"

char *tl_tempdir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = svc_xasprintf("%s/svcscope-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) fail_msg("mkdtemp: %s", strerror(errno));
    return dir;
}

void tl_rmrf(const char *dir)
{
    if (!dir || strlen(dir) < 8) return;
    char *cmd = svc_xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    free(cmd);
}

static void mkdirs_for(const char *file)
{
    char *p = svc_xstrdup(file);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    }
    free(p);
}

void tl_write(const char *root, const char *path, const char *content)
{
    char *full = svc_xasprintf("%s/%s", root, path);
    mkdirs_for(full);
    FILE *f = fopen(full, "wb");
    if (!f) fail_msg("write %s: %s", full, strerror(errno));
    fwrite(content, 1, strlen(content), f);
    fclose(f);
    free(full);
}

void tl_write_files(const char *root, const tl_file *files)
{
    for (; files->path; files++) tl_write(root, files->path, files->content);
}

void tl_git(const char *root, const char *args)
{
    char *cmd = svc_xasprintf("cd '%s' && GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid "
                              "GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid "
                              "GIT_CONFIG_NOSYSTEM=1 HOME=/nonexistent git -c init.defaultBranch=main %s >/dev/null 2>&1",
                              root, args);
    int rc = system(cmd);
    if (rc != 0) fail_msg("git %s failed (%d)", args, rc);
    free(cmd);
}

char *tl_read(const char *root, const char *path)
{
    char *full = svc_xasprintf("%s/%s", root, path);
    FILE *f = fopen(full, "rb");
    if (!f) fail_msg("read %s: %s", full, strerror(errno));
    svc_buf b = { 0 };
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) svc_buf_append(&b, chunk, n);
    fclose(f);
    free(full);
    return svc_buf_detach(&b);
}

void tl_repo_open_kind(tl_repo *r, const char *root, svc_source_kind kind, const char *rev)
{
    memset(r, 0, sizeof *r);
    svc_error err = SVC_ERROR_INIT;
    svc_source_options so = SVC_SOURCE_OPTIONS_INIT;
    so.kind = kind;
    so.rev = rev;
    svc_config_init(&r->config);
    if (svc_source_open(&r->source, root, &so, &err) < 0) fail_msg("source: %s", err.message);
    if (svc_config_load(&r->config, svc_source_root(r->source), &err) < 0) fail_msg("config: %s", err.message);
    if (svc_model_build(&r->model, r->source, &r->config, NULL, &err) < 0) fail_msg("model: %s", err.message);
}

void tl_repo_open(tl_repo *r, const char *root)
{
    tl_repo_open_kind(r, root, SVC_SOURCE_WORKTREE, NULL);
}

void tl_repo_close(tl_repo *r)
{
    svc_model_free(r->model);
    svc_source_free(r->source);
    svc_config_free(&r->config);
}

const svc_file *tl_file_named(const svc_model *m, const char *path)
{
    long i = svc_model_file(m, path);
    if (i < 0) fail_msg("no file %s in the model", path);
    return &m->files[i];
}

const svc_service *tl_service_named(const svc_model *m, const char *name)
{
    for (size_t i = 0; i < m->nservices; i++)
        if (strcmp(m->services[i].name, name) == 0) return &m->services[i];
    fail_msg("no service %s in the model", name);
    return NULL;
}

svc_diagnostics *tl_check(const svc_model *m, const char *select)
{
    svc_check_options opts = { 0 };
    const char *sel[1] = { select };
    if (select) {
        opts.select = sel;
        opts.nselect = 1;
    }
    return svc_check(m, &opts);
}

size_t tl_count(const svc_diagnostics *d, const char *code, const char *path, unsigned row)
{
    size_t n = 0;
    for (size_t i = 0; i < d->len; i++) {
        const svc_diagnostic *x = &d->items[i];
        if (code && strcmp(x->rule->code, code) != 0) continue;
        if (path && strcmp(x->path, path) != 0) continue;
        if (row && x->span.row + 1 != row) continue;
        n++;
    }
    return n;
}

void tl_dump(const svc_diagnostics *d)
{
    for (size_t i = 0; i < d->len; i++)
        fprintf(stderr, "  %s:%u:%u: %s %s\n", d->items[i].path, d->items[i].span.row + 1, d->items[i].span.col + 1,
                d->items[i].rule->code, d->items[i].message);
}

const svc_diagnostic *tl_find(const svc_diagnostics *d, const char *code, const char *path, unsigned row)
{
    for (size_t i = 0; i < d->len; i++)
        if (strcmp(d->items[i].rule->code, code) == 0 && strcmp(d->items[i].path, path) == 0 &&
            d->items[i].span.row + 1 == row)
            return &d->items[i];
    tl_dump(d);
    fail_msg("no %s at %s:%u", code, path, row);
    return NULL;
}

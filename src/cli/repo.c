#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "env/build_report.h"
#include "env/environment.h"
#include "svcscope/util.h"
#include "svcscope/xref.h"

static bool has_svcscope_table(const char *dir)
{
    char *path = svc_xasprintf("%s/pyproject.toml", dir);
    /* Only a regular file: a FIFO or a device named pyproject.toml must not block or hang us. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    free(path);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
    }
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return false;
    }
    bool found = false;
    char line[4096];
    while (!found && fgets(line, sizeof line, f)) found = strstr(line, "tool.svcscope") != NULL;
    fclose(f);
    return found;
}

static bool exists(const char *dir, const char *name)
{
    char *path = svc_xasprintf("%s/%s", dir, name);
    struct stat st;
    bool ok = lstat(path, &st) == 0;
    free(path);
    return ok;
}

char *cli_find_root(const char *path)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        cli_error("%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (stat(real, &st) == 0 && !S_ISDIR(st.st_mode)) {
        char *slash = strrchr(real, '/');
        if (slash && slash != real) *slash = '\0';
    }
    char *cur = svc_xstrdup(real);
    for (;;) {
        /* The top of a git work tree ends the search: a submodule or a nested clone is a project of
         * its own, whatever the repository around it says. */
        if (has_svcscope_table(cur) || exists(cur, ".git")) return cur;
        char *slash = strrchr(cur, '/');
        if (!slash || slash == cur) break;
        *slash = '\0';
    }
    free(cur);
    return svc_xstrdup(real);
}

char *cli_relative_to(const char *root, const char *path)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        cli_error("%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t n = strlen(root);
    if (strcmp(real, root) == 0) return svc_xstrdup("");
    if (strncmp(real, root, n) == 0 && real[n] == '/') return svc_xstrdup(real + n + 1);
    cli_error("%s is outside the project at %s", path, root);
    return NULL;
}

void cli_add_excludes(svc_config *cfg, const char *const *globs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cfg->extend_exclude =
            svc_xrealloc(cfg->extend_exclude, (cfg->nextend_exclude + 1) * sizeof *cfg->extend_exclude);
        cfg->extend_exclude[cfg->nextend_exclude++] = svc_xstrdup(globs[i]);
    }
}

int cli_repo_open(cli_repo *repo, const cli_repo_options *opts)
{
    memset(repo, 0, sizeof *repo);
    svc_config_init(&repo->config);
    svc_error err = SVC_ERROR_INIT;
    svc_source_options so = SVC_SOURCE_OPTIONS_INIT;
    so.kind = opts->kind;
    so.rev = opts->rev;
    /* In a hook of `git commit -a`, git names the index being committed here. */
    so.index_file = env_get()->git_index_file;
    const char *path = opts->path ? opts->path : ".";
    svc_model_options mo = SVC_MODEL_OPTIONS_INIT;
    mo.cache = !opts->no_cache;
    mo.check_only = opts->check_only;
    env_model_options(&mo);
    /* The config first: its max-file-size is the source's limit (PATH is the project root). */
    int rc = svc_config_load(&repo->config, path, &err);
    so.max_file_size = opts->max_file_size ? opts->max_file_size : repo->config.max_file_size;
    if (rc == 0) cli_add_excludes(&repo->config, opts->extra_exclude, opts->nextra_exclude);
    if (rc < 0 || svc_source_open(&repo->source, path, &so, &err) < 0 ||
        svc_model_build(&repo->model, repo->source, &repo->config, &mo, &err) < 0) {
        cli_error("%s", err.message);
        cli_repo_close(repo);
        return EXIT_ERROR;
    }
    env_report_build(repo->model);
    return EXIT_CLEAN;
}

void cli_repo_close(cli_repo *repo)
{
    svc_model_free(repo->model);
    svc_source_free(repo->source);
    svc_config_free(&repo->config);
    memset(repo, 0, sizeof *repo);
}

/* True when a 1-based line is an `except` clause listing types without parentheses (PEP 758),
 * which the pinned Python grammar reads only for two types. */
static bool unparenthesized_except(const svc_model *model, size_t file, uint32_t line)
{
    svc_xref_reader *reader = svc_xref_reader_new(model);
    const char *text = svc_xref_reader_line(reader, file, line);
    bool found = strncmp(text, "except ", 7) == 0 && strchr(text, ',') && !strchr(text, '(');
    svc_xref_reader_free(reader);
    return found;
}

size_t cli_warn_unread(const svc_model *model)
{
    size_t io_errors = 0;
    size_t nskipped = svc_source_skipped_count(model->source);
    for (size_t i = 0; i < nskipped; i++) {
        bool io = false;
        cli_error("warning: %s", svc_source_skipped_at(model->source, i, &io));
        io_errors += io;
    }
    uint64_t limit = svc_source_max_file_size(model->source);
    for (size_t i = 0; i < model->nfiles; i++) {
        const svc_file *f = &model->files[i];
        if (f->read_error) {
            cli_error("warning: %s", f->read_error);
            /* a file over the size limit is skipped by design; any other read failure is an error */
            long k = svc_source_find(model->source, f->path);
            if (k < 0 || svc_source_at(model->source, (size_t)k)->size <= limit) io_errors++;
        } else if (f->facts && f->facts->binary) {
            cli_error("warning: %s: binary content (NUL bytes), not read as Python", svc_quoted_path(f->path));
        } else if (f->facts && f->facts->nerrors) {
            const svc_span *e = &f->facts->errors[0];
            cli_error("warning: %s:%u:%u: syntax error; only what parses was checked%s", svc_quoted_path(f->path),
                      e->row + 1, e->col + 1, unparenthesized_except(model, i, e->row + 1)
                          ? " (Python 3.14's `except A, B, C:` without parentheses, PEP 758, is read only when "
                            "the rest of the file parses; or write `except (A, B, C):`)"
                          : "");
        }
    }
    return io_errors;
}

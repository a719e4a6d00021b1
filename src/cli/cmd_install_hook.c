/*
 * svcscope install-hook: a git pre-commit hook that checks the files of each commit.
 *
 * The hook is a small POSIX sh script. It runs `svcscope check --staged --diff HEAD` (no
 * --diff on the first commit, which has no HEAD), so only findings in the files the commit
 * changes block it: legacy violations elsewhere do not. svcscope is looked up on PATH when
 * the hook runs. A marker line tells our hook from anybody else's; someone else's is never
 * overwritten without --force, and then it is kept as pre-commit.backup.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "svcscope/gitrepo.h"
#include "svcscope/util.h"

/* The line that marks a hook as ours; keep it stable, older hooks are recognised by it. */
#define HOOK_MARKER "# svcscope-install-hook: this hook was written by `svcscope install-hook`"

/* 'text' for sh: single quotes, with ' written as '\'' */
static void put_sh_quoted(svc_buf *b, const char *text)
{
    svc_buf_putc(b, '\'');
    for (const char *p = text; *p; p++) {
        if (*p == '\'') svc_buf_puts(b, "'\\''");
        else svc_buf_putc(b, *p);
    }
    svc_buf_putc(b, '\'');
}

static char *hook_script(const char *project, const char *baseline)
{
    svc_buf b = { 0 };
    svc_buf_puts(&b, "#!/bin/sh\n" HOOK_MARKER "\n");
    svc_buf_puts(&b,
                 "#\n"
                 "# Checks the staged content of the files this commit changes against the services\n"
                 "# convention; violations in files the commit does not touch never block it.\n"
                 "# Run `svcscope install-hook` again to change it, `git commit --no-verify` to skip it once.\n"
                 "\n");
    svc_buf_puts(&b, "project=");
    put_sh_quoted(&b, project);
    svc_buf_puts(&b, "\nbaseline=");
    put_sh_quoted(&b, baseline ? baseline : "");
    svc_buf_puts(
        &b,
        "\n"
        "\n"
        "if ! command -v svcscope >/dev/null 2>&1; then\n"
        "    echo \"svcscope pre-commit hook: svcscope is not on PATH; install it (make install) or put it on PATH,\" >&2\n"
        "    echo \"or skip the check once with \\`git commit --no-verify\\`\" >&2\n"
        "    exit 1\n"
        "fi\n"
        "\n"
        "set -- check --staged --no-color\n"
        "# The first commit has no HEAD to compare with: every staged file is new and checked.\n"
        "if git rev-parse --verify --quiet HEAD >/dev/null 2>&1; then\n"
        "    set -- \"$@\" --diff HEAD\n"
        "fi\n"
        "if [ -n \"$baseline\" ]; then\n"
        "    set -- \"$@\" --baseline \"$baseline\"\n"
        "fi\n"
        "\n"
        "# Quiet when the commit is clean; the findings and what to do otherwise.\n"
        "output=$(svcscope \"$@\" -- \"$project\")\n"
        "status=$?\n"
        "[ \"$status\" -eq 0 ] && exit 0\n"
        "[ -n \"$output\" ] && printf '%s\\n' \"$output\" >&2\n"
        "case $status in\n"
        "1) echo \"svcscope found violations in the files of this commit; run \\`svcscope\\` to review and fix them\""
        " \"(or \\`git commit --no-verify\\` to skip)\" >&2 ;;\n"
        "*) echo \"svcscope could not check this commit (exit status $status, see above);\""
        " \"\\`git commit --no-verify\\` skips the check\" >&2 ;;\n"
        "esac\n"
        "exit 1\n");
    return svc_buf_detach(&b);
}

/* True when the file at `path` is a regular file holding our marker line. */
static bool is_our_hook(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char line[512];
    bool ours = false;
    for (int n = 0; n < 5 && !ours && fgets(line, sizeof line, f); n++)
        ours = strncmp(line, HOOK_MARKER, strlen(HOOK_MARKER)) == 0;
    fclose(f);
    return ours;
}

static bool mentions(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char line[1024];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char *copy = svc_xstrdup(dir);
    int rc = 0;
    for (char *p = copy + 1; rc == 0; p++) {
        if (*p != '/' && *p != '\0') continue;
        char c = *p;
        *p = '\0';
        if (mkdir(copy, 0777) < 0 && errno != EEXIST) rc = -1;
        *p = c;
        if (c == '\0') break;
    }
    free(copy);
    return rc;
}

/* Writes `text` to `path` with mode 0755, through a temporary file and rename. */
static int write_executable(const char *path, const char *text)
{
    char *tmp = svc_xasprintf("%s.svcscope-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len;
    ok = fchmod(fd, 0755) == 0 && ok;
    int saved = errno;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) < 0) {
        saved = errno;
        ok = false;
    }
    if (!ok) {
        unlink(tmp);
        errno = saved;
    }
    free(tmp);
    return ok ? 0 : -1;
}

/* "pre-commit.backup", or "pre-commit.backup.N" with the first N free: nothing is ever lost. */
static char *backup_name(const char *hook)
{
    struct stat st;
    char *name = svc_xasprintf("%s.backup", hook);
    for (int n = 1; lstat(name, &st) == 0; n++) {
        free(name);
        name = svc_xasprintf("%s.backup.%d", hook, n);
    }
    return name;
}

static bool on_path(const char *program)
{
    const char *path = getenv("PATH");
    if (!path) return false;
    while (*path) {
        size_t n = strcspn(path, ":");
        char *candidate = n ? svc_xasprintf("%.*s/%s", (int)n, path, program) : svc_xasprintf("./%s", program);
        bool ok = access(candidate, X_OK) == 0;
        free(candidate);
        if (ok) return true;
        path += n;
        if (*path == ':') path++;
    }
    return false;
}

/* `path` relative to `top` ("." for top itself), or NULL when it is outside. */
static char *relative_to(const char *top, const char *path)
{
    size_t n = strlen(top);
    if (strcmp(path, top) == 0) return svc_xstrdup(".");
    if (strncmp(path, top, n) == 0 && path[n] == '/') return svc_xstrdup(path + n + 1);
    if (strcmp(top, "/") == 0 && path[0] == '/') return svc_xstrdup(path + 1);
    return NULL;
}

int cmd_install_hook(int argc, char **argv)
{
    const char *baseline_arg = NULL;
    bool force = false, print = false;
    const cli_option options[] = {
        { "baseline", .metavar = "FILE", .help = "the hook passes --baseline FILE on (recorded relative to the\n"
                                                 "work tree; write it first with svcscope check --write-baseline)",
          .text = &baseline_arg },
        { "force", .help = "replace a pre-commit hook svcscope did not write (the old one is\n"
                           "kept as pre-commit.backup)",
          .flag = &force },
        { "print", .help = "print the hook on standard output instead of installing it", .flag = &print },
        CLI_HELP_OPTION,
        { NULL },
    };
    static const cli_conflict conflicts[] = {
        { "print", "force", "--print installs nothing, so there is nothing to replace" },
        { NULL },
    };
    const cli_args_spec spec = {
        .command = "install-hook",
        .options = options,
        .conflicts = conflicts,
        .synopsis = "usage: svcscope install-hook [--baseline FILE] [--force] [--print] [PATH]\n"
                    "\n"
                    "Installs a git pre-commit hook in the repository holding PATH (default: .) that runs\n"
                    "`svcscope check --staged --diff HEAD --no-color` on the project at PATH before each\n"
                    "commit: the commit is refused when the files it changes have violations; findings in\n"
                    "files it does not touch never block it. The hook finds svcscope on PATH when it runs.\n"
                    "core.hooksPath is honoured. `git commit --no-verify` skips the hook once.\n"
                    "\n",
        .epilogue = "\n"
                    "exit status: 0 installed, 2 not a git repository, a foreign hook without --force, or an I/O "
                    "error\n",
        .help_column = 19,
    };
    int first_operand, status;
    if (!cli_args_parse(&spec, argc, argv, &first_operand, &status)) return status;
    if (argc - first_operand > 1) {
        cli_error("install-hook: one PATH at most");
        return EXIT_ERROR;
    }
    const char *path = first_operand < argc ? argv[first_operand] : ".";

    status = EXIT_ERROR;
    char *root = NULL, *project = NULL, *baseline = NULL, *hook = NULL, *script = NULL, *backup = NULL;
    svc_git_hooks hooks = { 0 };
    svc_error err = SVC_ERROR_INIT;

    if (!(root = cli_find_root(path))) goto out;
    if (svc_git_find_hooks(&hooks, root, &err) < 0) {
        cli_error("install-hook: %s", err.message);
        goto out;
    }
    if (!hooks.workdir) {
        cli_error("install-hook: %s is a bare repository: nothing is committed from it", path);
        goto out;
    }
    /* The hook runs at the top of the work tree: the project and the baseline are relative to it. */
    char top[PATH_MAX];
    if (!realpath(hooks.workdir, top)) {
        cli_error("install-hook: %s: %s", hooks.workdir, strerror(errno));
        goto out;
    }
    char target[PATH_MAX];
    if (!realpath(path, target)) {
        cli_error("install-hook: %s: %s", path, strerror(errno));
        goto out;
    }
    if (!(project = relative_to(top, target))) {
        cli_error("install-hook: %s is outside the work tree %s", path, top);
        goto out;
    }
    if (baseline_arg) {
        char real[PATH_MAX];
        if (!realpath(baseline_arg, real)) {
            cli_error("install-hook: --baseline %s: %s (write it first: svcscope check --write-baseline %s)",
                      baseline_arg, strerror(errno), baseline_arg);
            goto out;
        }
        baseline = relative_to(top, real);
        if (!baseline) baseline = svc_xstrdup(real);
    }
    script = hook_script(project, baseline);
    if (print) {
        cli_print_machine_text(script);
        status = EXIT_CLEAN;
        goto out;
    }

    hook = svc_xasprintf("%s/pre-commit", hooks.hooks_dir);
    struct stat st;
    if (lstat(hook, &st) == 0) {
        bool ours = S_ISREG(st.st_mode) && is_our_hook(hook);
        if (!ours && !force) {
            cli_error("install-hook: %s already exists and svcscope did not write it; not overwriting it", hook);
            if (mentions(hook, "pre-commit.com") || mentions(hook, "pre-commit framework"))
                fputs("  It is the pre-commit framework's hook: add the svcscope hook to .pre-commit-config.yaml\n"
                      "  instead (see docs/ci.md), or pass --force to replace it (it is kept as a backup).\n",
                      stderr);
            else
                fputs("  Pass --force to replace it (it is kept as pre-commit.backup), or call\n"
                      "  `svcscope check --staged --diff HEAD` from it yourself (svcscope install-hook --print\n"
                      "  shows the whole hook).\n",
                      stderr);
            goto out;
        }
        if (!ours) {
            backup = backup_name(hook);
            if (rename(hook, backup) < 0) {
                cli_error("install-hook: cannot move %s to %s: %s", hook, backup, strerror(errno));
                goto out;
            }
            cli_error("the previous hook is kept as %s", svc_quoted_path(backup));
        }
    } else if (errno != ENOENT) {
        cli_error("install-hook: %s: %s", hook, strerror(errno));
        goto out;
    }
    if (make_dirs(hooks.hooks_dir) < 0) {
        cli_error("install-hook: cannot create %s: %s", hooks.hooks_dir, strerror(errno));
        goto out;
    }
    if (write_executable(hook, script) < 0) {
        cli_error("install-hook: cannot write %s: %s", hook, strerror(errno));
        goto out;
    }
    printf("Installed the svcscope pre-commit hook in %s%s\n", svc_quoted_path(hook),
           hooks.custom ? " (core.hooksPath)" : "");
    printf("Each commit runs: svcscope check --staged --diff HEAD --no-color%s%s -- %s\n",
           baseline ? " --baseline " : "", baseline ? svc_quoted_path(baseline) : "", svc_quoted_path(project));
    if (!on_path("svcscope"))
        cli_error("warning: svcscope is not on PATH, so the hook will refuse commits until it is "
                  "(make install, or add its folder to PATH)");
    status = EXIT_CLEAN;
out:
    free(root);
    free(project);
    free(baseline);
    free(hook);
    free(script);
    free(backup);
    svc_git_hooks_free(&hooks);
    return status;
}

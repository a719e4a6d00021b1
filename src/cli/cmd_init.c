/*
 * svcscope init: proposes a [tool.svcscope] table for the codebase (src/core/init.c finds it),
 * shows it, and writes it into pyproject.toml once confirmed: a y/N question on a terminal,
 * --yes in scripts; without either it only shows. --baseline records today's findings with
 * `check --write-baseline` so that a legacy codebase starts green.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "svcscope/init.h"
#include "svcscope/util.h"

/* FILE (as given, relative to the current folder) relative to the root; NULL (said) when its
 * folder does not exist or is outside the project. */
static char *baseline_in_project(const char *root, const char *file)
{
    const char *slash = strrchr(file, '/');
    char *dir = slash ? svc_xstrndup(file, (size_t)(slash - file) + (slash == file)) : svc_xstrdup(".");
    const char *base = slash ? slash + 1 : file;
    char *rel_dir = NULL;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        cli_error("init: --baseline %s: not a file name", svc_quoted_path(file));
    else
        rel_dir = cli_relative_to(root, dir);
    free(dir);
    if (!rel_dir) return NULL;
    char *rel = *rel_dir ? svc_xasprintf("%s/%s", rel_dir, base) : svc_xstrdup(base);
    free(rel_dir);
    return rel;
}

static void print_changes(const svc_init_edit *edit, const char *shown_path)
{
    printf("%s: [tool.svcscope] would change:\n", shown_path);
    for (size_t i = 0; i < edit->nchanges; i++) {
        const svc_init_change *c = &edit->changes[i];
        if (c->kind == SVC_INIT_ADDED)
            printf("  + %s = %s  # %s\n", c->key, c->value, c->why);
        else
            printf("  ~ %s = %s  (line %u was %s)\n", c->key, c->value, c->line, c->old_value);
    }
}

/* y or yes (any case) on stdin after the question. */
static bool confirmed(const char *question)
{
    printf("%s [y/N] ", question);
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof line, stdin)) return false;
    line[strcspn(line, "\r\n")] = '\0';
    return strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
}

/* check --write-baseline FILE ROOT: the findings under the settings just written. */
static int write_baseline(const char *root, const char *file)
{
    char *full = svc_xasprintf("%s/%s", root, file);
    char check[] = "check", flag[] = "--write-baseline", end[] = "--";
    char *args[] = { check, flag, full, end, SVC_UNCONST(char *, root), NULL };
    int rc = cmd_check(5, args);
    free(full);
    return rc;
}

static bool file_exists(const char *root, const char *file)
{
    char *full = svc_xasprintf("%s/%s", root, file);
    struct stat st;
    bool ok = stat(full, &st) == 0;
    free(full);
    return ok;
}

int cmd_init(int argc, char **argv)
{
    bool yes = false;
    const char *baseline = NULL;
    const cli_option options[] = {
        { "yes", 'y', .help = "write without asking (for scripts)", .flag = &yes },
        { "baseline", .metavar = "FILE", .help = "record today's findings in FILE and set `baseline` to it,\n"
                                                 "so that check reports only new findings",
          .text = &baseline },
        CLI_HELP_OPTION,
        { NULL },
    };
    const cli_args_spec spec = {
        .command = "init",
        .options = options,
        .synopsis = "usage: svcscope init [--yes] [--baseline FILE] [PATH]\n"
                    "\n"
                    "Reads the codebase at PATH (default: .) and proposes a [tool.svcscope] table for its\n"
                    "pyproject.toml: the services package (or migration mode when there is none), the\n"
                    "tasks service, the project's own task decorators and dispatch helpers, and the\n"
                    "vendored or generated code to leave out, each with a comment saying why. It shows\n"
                    "the table and writes it once you answer y (--yes: without asking; without a\n"
                    "terminal and without --yes it only shows). Every other byte of pyproject.toml\n"
                    "stays as it is; an existing table gets only the keys that differ. Running it again\n"
                    "changes nothing.\n"
                    "\n",
        .help_column = 19,
    };
    int first_operand, status;
    if (!cli_args_parse(&spec, argc, argv, &first_operand, &status)) return status;
    if (argc - first_operand > 1) {
        cli_usage_error("init", "one PATH at most");
        return EXIT_ERROR;
    }
    char *root = cli_find_root(first_operand < argc ? argv[first_operand] : ".");
    if (!root) return EXIT_ERROR;
    char *baseline_rel = baseline ? baseline_in_project(root, baseline) : NULL;
    if (baseline && !baseline_rel) {
        free(root);
        return EXIT_ERROR;
    }

    cli_repo_options ro = { .path = root };
    cli_repo repo;
    if (cli_repo_open(&repo, &ro) != EXIT_CLEAN) {
        free(baseline_rel);
        free(root);
        return EXIT_ERROR;
    }
    (void)cli_warn_unread(repo.model);
    svc_init_plan plan;
    svc_init_propose(&plan, repo.model);
    cli_repo_close(&repo);
    if (baseline_rel) svc_init_plan_set_baseline(&plan, baseline_rel);

    svc_init_edit edit;
    svc_error err = SVC_ERROR_INIT;
    int rc = EXIT_CLEAN;
    if (svc_init_edit_prepare(&edit, root, &plan, &err) != SVC_OK) {
        cli_error("init: %s", err.message);
        char *text = svc_init_plan_text(&plan);
        fprintf(stderr, "svcscope: init: pyproject.toml is left as it is; the proposed settings:\n%s", text);
        free(text);
        rc = EXIT_ERROR;
        goto out;
    }
    const char *shown = edit.existed ? "pyproject.toml" : "pyproject.toml (new)";
    bool changes = svc_init_edit_changes(&edit);
    if (!changes) {
        printf("pyproject.toml: [tool.svcscope] already says this: nothing to change.\n");
    } else if (!edit.had_table) {
        char *text = svc_init_plan_text(&plan);
        printf("Proposed for %s:\n\n%s\n", shown, text);
        free(text);
    } else {
        print_changes(&edit, shown);
    }
    if (edit.had_table && plan.migration_mode)
        printf("No services package: migration mode (only the task rules, SVC401 and SVC402, run).\n");
    bool baseline_kept = baseline_rel && !changes && file_exists(root, baseline_rel);
    if (changes) {
        bool interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
        if (!yes && !interactive) {
            printf("Nothing written: run `svcscope init --yes` to write it%s.\n",
                   baseline_rel ? " and record the baseline" : "");
            goto out;
        }
        if (!yes && !confirmed(edit.existed ? "Write this into pyproject.toml?" : "Create pyproject.toml with this?")) {
            printf("Nothing written.\n");
            goto out;
        }
        if (svc_init_edit_write(&edit, &err) != SVC_OK) {
            cli_error("init: %s", err.message);
            rc = EXIT_ERROR;
            goto out;
        }
        printf("Wrote %s.\n", edit.existed ? "pyproject.toml" : "a new pyproject.toml");
    }
    if (baseline_kept) {
        printf("%s exists and `baseline` names it: kept (svcscope check --write-baseline %s records today's "
               "findings again).\n",
               baseline_rel, baseline_rel);
    } else if (baseline_rel) {
        fflush(stdout);
        rc = write_baseline(root, baseline_rel);
    }
out:
    svc_init_edit_free(&edit);
    svc_init_plan_free(&plan);
    free(baseline_rel);
    free(root);
    return rc;
}

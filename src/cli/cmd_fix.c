/* svcscope fix: apply the fixes of the findings (the safe ones; --unsafe for all), preview them
 * as a diff, stage them, or undo the last batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "env/environment.h"
#include "svcscope/fix.h"
#include "svcscope/rules.h"
#include "svcscope/util.h"

static const char *plural(size_t n, const char *one, const char *many) { return n == 1 ? one : many; }

static void print_messages(const svc_fix_result *r)
{
    for (size_t i = 0; i < r->nmessages; i++) cli_error("not fixed: %s", r->messages[i]);
}

/* The findings whose rule has a fix but that get none, with the fixer's reason: what the batch
 * leaves for a person to do, and why. */
static size_t print_no_fix(const svc_diagnostics *diags)
{
    size_t n = 0;
    for (size_t i = 0; i < diags->len; i++) {
        const svc_diagnostic *d = &diags->items[i];
        if (d->fix || !d->no_fix) continue;
        cli_error("no fix: %s:%u:%u: %s %s", d->path, d->span.row + 1, d->span.col + 1, d->rule->code, d->no_fix);
        n++;
    }
    return n;
}

static int run_undo(const char *path)
{
    char *root = cli_find_root(path);
    if (!root) return EXIT_ERROR;
    svc_fix_result res;
    svc_error err = SVC_ERROR_INIT;
    int rc = svc_fix_undo(root, NULL, env_user_dirs(), &res, &err);
    int status;
    if (rc == 0) {
        for (size_t i = 0; i < res.nmessages; i++) printf("%s\n", svc_quoted_text(res.messages[i]));
        printf("Undid the newest fix batch: %zu %s restored.\n", res.nchanged, plural(res.nchanged, "file", "files"));
        status = EXIT_CLEAN;
    } else if (rc == SVC_ENOTFOUND) {
        cli_error("%s", err.message);
        status = EXIT_FINDINGS;
    } else {
        cli_error("%s", err.message);
        status = EXIT_ERROR;
    }
    svc_fix_result_free(&res);
    free(root);
    return status;
}

static int run_undo_list(const char *path)
{
    char *root = cli_find_root(path);
    if (!root) return EXIT_ERROR;
    svc_fix_batch_info *h = NULL;
    size_t n = 0;
    svc_error err = SVC_ERROR_INIT;
    int rc = svc_fix_history(root, NULL, env_user_dirs(), &h, &n, &err);
    free(root);
    if (rc < 0) {
        cli_error("%s", err.message);
        return EXIT_ERROR;
    }
    if (n == 0) printf("No fix batch to undo.\n");
    else printf("Fix batches, newest first (svcscope fix --undo takes back the first):\n");
    for (size_t i = 0; i < n; i++) {
        char when[32] = "?";
        time_t t = (time_t)h[i].when;
        struct tm tm;
        if (localtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        printf("%3zu  %s  %s: %zu %s, %zu %s%s%s\n", i + 1, when, svc_quoted_text(h[i].what), h[i].nfixes,
               plural(h[i].nfixes, "fix", "fixes"), h[i].npaths, plural(h[i].npaths, "file", "files"),
               h[i].staged ? ", staged" : "", h[i].complete ? "" : " (interrupted: undo restores what it wrote)");
        size_t shown = h[i].npaths <= 6 ? h[i].npaths : 5;
        for (size_t k = 0; k < shown; k++) printf("       %s\n", svc_quoted_path(h[i].paths[k]));
        if (shown < h[i].npaths) printf("       ... and %zu more\n", h[i].npaths - shown);
    }
    svc_fix_history_free(h, n);
    return EXIT_CLEAN;
}

/* "svcscope fix --stage --select SVC201", for the undo history. */
static char *command_line(int argc, char **argv)
{
    svc_buf b = { 0 };
    svc_buf_puts(&b, "svcscope");
    for (int i = 0; i < argc; i++) svc_buf_printf(&b, " %s", argv[i]);
    return svc_buf_detach(&b);
}

int cmd_fix(int argc, char **argv)
{
    char **select = NULL, **ignore = NULL, **exclude = NULL;
    size_t nselect = 0, nignore = 0, nexclude = 0;
    bool unsafe = false, diff = false, stage = false, undo = false, list = false;
    uint64_t max_file_size = 0;
    int status = EXIT_ERROR;

    const cli_option options[] = {
        { "select", .metavar = "CODES", .help = "only the fixes of these rules (comma-separated codes or prefixes)",
          .list = &select, .count = &nselect },
        { "ignore", .metavar = "CODES", .help = "not the fixes of these rules", .list = &ignore, .count = &nignore },
        CLI_EXCLUDE_OPTION(&exclude, &nexclude),
        { "unsafe", .help = "also apply unsafe fixes (renames, moves: other code may notice)", .alias = "unsafe-fixes",
          .flag = &unsafe },
        { "diff", .help = "print the changes as a unified diff and write nothing", .flag = &diff },
        { "stage", .help = "also stage the fixes, and only them: your other changes to the same\n"
                           "files stay unstaged (a file whose fix cannot be staged alone is not fixed)",
          .flag = &stage },
        { "undo", .help = "put back the work tree and index of the newest fix batch, when nothing\n"
                          "changed since; again for the batch before it (the last 50 are kept)",
          .flag = &undo },
        { "list", .help = "with --undo: list the fix batches it can take back, newest first", .flag = &list },
        CLI_MAX_FILE_SIZE_OPTION(&max_file_size),
        CLI_HELP_OPTION,
        { NULL },
    };
#define FIX_UNDO_TAKES_ALL "--undo takes back the whole newest batch"
    static const cli_conflict conflicts[] = {
        { "diff", "stage", "--diff writes nothing, so there is nothing to --stage" },
        { "undo", "diff", FIX_UNDO_TAKES_ALL },
        { "undo", "stage", FIX_UNDO_TAKES_ALL },
        { "undo", "unsafe", FIX_UNDO_TAKES_ALL },
        { "undo", "select", FIX_UNDO_TAKES_ALL },
        { "undo", "ignore", FIX_UNDO_TAKES_ALL },
        { "undo", "exclude", FIX_UNDO_TAKES_ALL },
        { "undo", "max-file-size", FIX_UNDO_TAKES_ALL },
        { NULL },
    };
#undef FIX_UNDO_TAKES_ALL
    static const cli_requirement requirements[] = {
        { "list", "undo", "svcscope fix --undo --list" },
        { NULL },
    };
    const cli_args_spec spec = {
        .command = "fix",
        .options = options,
        .conflicts = conflicts,
        .requirements = requirements,
        .synopsis = "usage: svcscope fix [OPTIONS] [PATH...]\n"
                    "\n"
                    "Applies the fixes of the violations found in PATHs (default: the whole project): the safe\n"
                    "ones, and the unsafe ones too with --unsafe. Files are written atomically with their mode,\n"
                    "line endings and encoding kept; a file changed since svcscope read it is left alone, and a\n"
                    "fix that would break the syntax is not applied. Each fix says why when it is refused,\n"
                    "and each finding whose rule has a fix but that gets none here says why (\"no fix: ...\").\n"
                    "\n",
        .epilogue = "\n"
                    "The undo history is kept in .git/svcscope/undo (outside git: ~/.local/state/svcscope/undo).\n"
                    "\n"
                    "exit status: 0 nothing left to fix, 1 violations left or fixes refused (--diff: changes to\n"
                    "show), 2 usage, config or I/O error\n",
        .help_column = 19,
    };
    int first_operand;
    if (!cli_args_parse(&spec, argc, argv, &first_operand, &status)) goto out;
    if (!cli_valid_selectors(select, nselect, "--select") || !cli_valid_selectors(ignore, nignore, "--ignore")) goto out;
    if (undo) {
        if (argc - first_operand > 1) {
            cli_error("fix: --undo takes at most one PATH (it undoes the whole newest batch)");
            goto out;
        }
        const char *path = first_operand < argc ? argv[first_operand] : ".";
        status = list ? run_undo_list(path) : run_undo(path);
        goto out;
    }

    {
        const char *first = first_operand < argc ? argv[first_operand] : ".";
        char *root = cli_find_root(first);
        if (!root) goto out;
        cli_repo repo;
        cli_repo_options ro = { 0 };
        ro.path = root;
        ro.kind = SVC_SOURCE_WORKTREE;
        ro.extra_exclude = (const char *const *)exclude;
        ro.nextra_exclude = nexclude;
        ro.max_file_size = max_file_size;
        if (cli_repo_open(&repo, &ro) != EXIT_CLEAN) {
            free(root);
            goto out;
        }
        SVC_VEC(char *) only = { 0 };
        bool ok = true;
        for (int i = first_operand; i < argc && ok; i++) {
            char *rel = cli_relative_to(root, argv[i]);
            if (!rel) ok = false;
            else svc_vec_push(&only, rel);
        }
        svc_diagnostics *diags = NULL;
        if (ok) {
            svc_check_options co = { 0 };
            co.select = (const char *const *)select;
            co.nselect = nselect;
            co.ignore = (const char *const *)ignore;
            co.nignore = nignore;
            co.only_paths = (const char *const *)only.items;
            co.nonly_paths = only.len;
            co.only_paths_set = only.len > 0;
            diags = svc_check(repo.model, &co);
            svc_diagnostics_compute_fixes(repo.model, diags);
        }
        size_t unread = cli_warn_unread(repo.model);

        if (diags) {
            SVC_VEC(const svc_fix *) fixes = { 0 };
            size_t left_unsafe = 0;
            for (size_t i = 0; i < diags->len; i++) {
                const svc_fix *f = diags->items[i].fix;
                if (!f) continue;
                if (f->applicability == SVC_FIX_UNSAFE && !unsafe) left_unsafe++;
                else svc_vec_push(&fixes, f);
            }
            size_t no_fix = print_no_fix(diags);
            svc_error err = SVC_ERROR_INIT;
            if (diff) {
                char *text = svc_fix_diff(repo.model, fixes.items, fixes.len, &err);
                if (!text) {
                    cli_error("fix: %s", err.message);
                } else {
                    /* a patch for `git apply` when piped */
                    cli_print_machine_text(text);
                    status = *text ? EXIT_FINDINGS : EXIT_CLEAN;
                    free(text);
                }
            } else {
                svc_fix_result res;
                char *what = command_line(argc, argv);
                svc_fix_options fo = { .stage = stage, .what = what, .user_dirs = env_user_dirs() };
                int rc = svc_fix_apply(repo.model, fixes.items, fixes.len, &fo, &res, &err);
                print_messages(&res);
                if (rc < 0) {
                    cli_error("fix: %s", err.message);
                } else {
                    size_t left = diags->len - (res.applied < diags->len ? res.applied : diags->len);
                    if (left)
                        printf("Fixed %zu %s (%zu left: run svcscope check).\n", res.applied,
                               plural(res.applied, "violation", "violations"), left);
                    else
                        printf("Fixed %zu %s.\n", res.applied, plural(res.applied, "violation", "violations"));
                    if (stage && res.nchanged)
                        printf("Staged the fixes (%zu %s); nothing else was staged.\n", res.nchanged,
                               plural(res.nchanged, "file", "files"));
                    /* a file that could not be read may hold violations: not "nothing left" */
                    status = left || res.skipped || unread ? EXIT_FINDINGS : EXIT_CLEAN;
                }
                svc_fix_result_free(&res);
                free(what);
            }
            if (no_fix)
                fprintf(diff ? stderr : stdout, "%zu %s no fix (the reasons are above).\n", no_fix,
                        plural(no_fix, "finding has", "findings have"));
            if (left_unsafe)
                fprintf(diff ? stderr : stdout, "%zu unsafe %s left out: --unsafe applies %s.\n", left_unsafe,
                        plural(left_unsafe, "fix", "fixes"), plural(left_unsafe, "it", "them"));
            svc_vec_free(&fixes);
        }
        svc_diagnostics_free(diags);
        for (size_t k = 0; k < only.len; k++) free(only.items[k]);
        svc_vec_free(&only);
        cli_repo_close(&repo);
        free(root);
    }
out:
    cli_free_list(select, nselect);
    cli_free_list(ignore, nignore);
    cli_free_list(exclude, nexclude);
    return status;
}

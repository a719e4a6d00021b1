/* svcscope check: run the rules, print findings, exit 0/1/2 (the CI and pre-commit use). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cli/cli.h"
#include "svcscope/fix.h"
#include "svcscope/report.h"
#include "svcscope/util.h"

/* --format: one of svc_format's names (any case). */
static bool parse_format(const char *command, const char *value, void *format)
{
    if (svc_format_parse(value, format)) return true;
    cli_command_error(command, "unknown format '%s' (text, json, sarif or github)", value);
    return false;
}

static bool parse_fail_on(const char *command, const char *value, void *severity)
{
    if (svc_severity_parse(value, severity)) return true;
    cli_command_error(command, "--fail-on takes info, warning or error, not '%s'", value);
    return false;
}

static void print_statistics(const svc_diagnostics *d, bool color)
{
    size_t count;
    const svc_rule *rules = svc_rules(&count);
    for (size_t r = 0; r < count; r++) {
        size_t n = 0, fixable = 0;
        for (size_t i = 0; i < d->len; i++)
            if (d->items[i].rule == &rules[r]) {
                n++;
                fixable += d->items[i].fix != NULL;
            }
        if (!n) continue;
        printf("%5zu  %s%s%s  %-28s %s\n", n, color ? "\033[1m" : "", rules[r].code, color ? "\033[0m" : "",
               rules[r].name, fixable == n ? "[*]" : fixable ? "[-]" : "");
    }
}

int cmd_check(int argc, char **argv)
{
    svc_format format = SVC_FORMAT_TEXT;
    svc_severity fail_on = SVC_SEVERITY_WARNING;
    char **select = NULL, **ignore = NULL, **exclude = NULL;
    size_t nselect = 0, nignore = 0, nexclude = 0;
    const char *diff_rev = NULL, *baseline = NULL, *write_baseline = NULL;
    bool staged = false, statistics = false, exit_zero = false, no_color = false, no_cache = false;
    bool show_settings = false;
    uint64_t max_file_size = 0;
    int status = EXIT_ERROR;

    const cli_option options[] = {
        { "format", .metavar = "FORMAT", .help = "text (default), json, sarif or github", .alias = "output-format",
          .parse = parse_format, .target = &format },
        { "select", .metavar = "CODES", .help = "only these rules (comma-separated codes or prefixes: SVC2,SVC401)",
          .list = &select, .count = &nselect },
        { "ignore", .metavar = "CODES", .help = "leave out these rules", .list = &ignore, .count = &nignore },
        { "fail-on", .metavar = "SEVERITY",
          .help = "exit 1 when a finding is at least info, warning (default) or error", .parse = parse_fail_on, .target = &fail_on },
        CLI_EXCLUDE_OPTION(&exclude, &nexclude),
        { "staged", .help = "check the staged content (the git index), for pre-commit hooks", .flag = &staged },
        { "diff", .metavar = "REV", .help = "report only findings in files changed since REV", .text = &diff_rev },
        { "baseline", .metavar = "FILE", .help = "report only findings not recorded in FILE", .text = &baseline },
        { "write-baseline", .metavar = "FILE", .help = "record today's findings in FILE and exit 0",
          .text = &write_baseline },
        { "statistics", .help = "print a count per rule instead of each finding", .flag = &statistics },
        { "exit-zero", .help = "exit 0 even when there are findings", .flag = &exit_zero },
        { "no-color", .help = "no colour (also when NO_COLOR is set or output is not a terminal)", .flag = &no_color },
        CLI_NO_CACHE_OPTION(&no_cache),
        CLI_MAX_FILE_SIZE_OPTION(&max_file_size),
        { "show-settings", .help = "print the settings in force and where each came from, and exit",
          .flag = &show_settings },
        CLI_HELP_OPTION,
        { NULL },
    };
#define CHECK_ONLY_SETTINGS "--show-settings prints the settings and checks nothing"
#define CHECK_WRITES_BASELINE "--write-baseline records the findings instead of printing them"
    static const cli_conflict conflicts[] = {
        { "baseline", "write-baseline", "the new baseline would lack the findings the old one hides" },
        { "statistics", "write-baseline", CHECK_WRITES_BASELINE },
        { "format", "write-baseline", CHECK_WRITES_BASELINE },
        { "fail-on", "write-baseline", "--write-baseline exits 0" },
        { "format", "statistics", "--statistics prints a count per rule as text" },
        { "fail-on", "exit-zero", "--exit-zero exits 0 whatever is found" },
        { "show-settings", "staged", CHECK_ONLY_SETTINGS },
        { "show-settings", "diff", CHECK_ONLY_SETTINGS },
        { "show-settings", "baseline", CHECK_ONLY_SETTINGS },
        { "show-settings", "write-baseline", CHECK_ONLY_SETTINGS },
        { "show-settings", "statistics", CHECK_ONLY_SETTINGS },
        { "show-settings", "format", CHECK_ONLY_SETTINGS },
        { "show-settings", "fail-on", CHECK_ONLY_SETTINGS },
        { "show-settings", "exit-zero", CHECK_ONLY_SETTINGS },
        { NULL },
    };
#undef CHECK_ONLY_SETTINGS
#undef CHECK_WRITES_BASELINE
    const cli_args_spec spec = {
        .command = "check",
        .options = options,
        .conflicts = conflicts,
        .synopsis = "usage: svcscope check [OPTIONS] [PATH...]\n"
                    "\n"
                    "Checks the repository against the services convention and prints one line per\n"
                    "violation. PATHs (default: .) limit what is reported; the whole project is always\n"
                    "read, so cross-file rules stay right.\n"
                    "\n",
        .epilogue = "\n"
                    "exit status: 0 nothing at or above --fail-on, 1 violations, 2 usage, config or I/O error\n",
        .help_column = 25,
    };
    int first_operand;
    if (!cli_args_parse(&spec, argc, argv, &first_operand, &status)) goto out;
    if (!cli_valid_selectors(select, nselect, "--select") || !cli_valid_selectors(ignore, nignore, "--ignore")) goto out;

    {
        const char *first = first_operand < argc ? argv[first_operand] : ".";
        char *root = cli_find_root(first);
        if (!root) goto out;
        if (show_settings) {
            cli_settings_flags flags = { (const char *const *)select, nselect, (const char *const *)ignore, nignore,
                                         (const char *const *)exclude, nexclude, max_file_size };
            status = cli_show_settings(root, &flags);
            free(root);
            goto out;
        }
        cli_repo repo;
        cli_repo_options ro = { 0 };
        ro.path = root;
        ro.kind = staged ? SVC_SOURCE_INDEX : SVC_SOURCE_WORKTREE;
        ro.extra_exclude = (const char *const *)exclude;
        ro.nextra_exclude = nexclude;
        ro.no_cache = no_cache;
        ro.check_only = true;
        ro.max_file_size = max_file_size;
        if (cli_repo_open(&repo, &ro) != EXIT_CLEAN) {
            free(root);
            goto out;
        }
        if (staged) {
            if (svc_source_count(repo.source) == 0 && svc_source_skipped_count(repo.source) == 0) {
                /* An empty index: nothing to check, and no finding about a missing services root. */
                fprintf(stderr, "svcscope: nothing is staged: the git index is empty\n");
                status = EXIT_CLEAN;
                cli_repo_close(&repo);
                free(root);
                goto out;
            }
        }

        /* What to report: the PATHs given, narrowed to the files changed since --diff REV. */
        svc_check_options co = { 0 };
        co.select = (const char *const *)select;
        co.nselect = nselect;
        co.ignore = (const char *const *)ignore;
        co.nignore = nignore;
        SVC_VEC(char *) only = { 0 };
        bool ok = true;
        for (int i = first_operand; i < argc && ok; i++) {
            char *rel = cli_relative_to(root, argv[i]);
            if (!rel) ok = false;
            else svc_vec_push(&only, rel);
        }
        if (ok && diff_rev) {
            char **changed = NULL;
            size_t nchanged = 0;
            svc_error err = SVC_ERROR_INIT;
            if (svc_source_changed_since(repo.source, diff_rev, &changed, &nchanged, &err) < 0) {
                if (!svc_source_is_git(repo.source))
                    cli_error("check: %s", err.message);
                else if (!svc_source_head(repo.source))
                    cli_error("check: --diff %s: the repository has no commit yet, so there is nothing to compare "
                              "with (%s)", diff_rev, err.message);
                else
                    cli_error("check: --diff %s", err.message);
                ok = false;
            } else {
                svc_check_options paths = { 0 };
                paths.only_paths = (const char *const *)only.items;
                paths.nonly_paths = only.len;
                paths.only_paths_set = only.len > 0;
                SVC_VEC(char *) narrowed = { 0 };
                for (size_t i = 0; i < nchanged; i++) {
                    bool inside = !paths.only_paths_set;
                    for (size_t k = 0; k < only.len && !inside; k++)
                        inside = svc_path_within(changed[i], only.items[k]);
                    if (inside) svc_vec_push(&narrowed, svc_xstrdup(changed[i]));
                }
                svc_source_free_paths(changed, nchanged);
                for (size_t k = 0; k < only.len; k++) free(only.items[k]);
                svc_vec_free(&only);
                only.items = narrowed.items;
                only.len = narrowed.len;
                co.only_paths_set = true;
            }
        }
        co.only_paths = (const char *const *)only.items;
        co.nonly_paths = only.len;
        if (only.len) co.only_paths_set = true;

        /* SVC605: the tasks at REV, and the files moved since */
        cli_repo before = { 0 };
        char **renamed_from = NULL, **renamed_to = NULL;
        size_t nrenamed = 0;
        if (ok && diff_rev) {
            cli_repo_options bo = ro;
            bo.kind = SVC_SOURCE_COMMIT;
            bo.rev = diff_rev;
            svc_error err = SVC_ERROR_INIT;
            if (cli_repo_open(&before, &bo) != EXIT_CLEAN ||
                svc_source_renamed_since(repo.source, diff_rev, &renamed_from, &renamed_to, &nrenamed, &err) < 0) {
                if (err.message[0]) cli_error("check: --diff %s", err.message);
                ok = false;
            } else {
                co.before = before.model;
                co.before_rev = diff_rev;
                co.renamed_from = (const char *const *)renamed_from;
                co.renamed_to = (const char *const *)renamed_to;
                co.nrenamed = nrenamed;
            }
        }

        svc_diagnostics *diags = ok ? svc_check(repo.model, &co) : NULL;
        svc_error err = SVC_ERROR_INIT;
        /* The config's `baseline` (relative to the root) when the command line names none. */
        char *config_baseline = !baseline && !write_baseline && repo.config.baseline
                                    ? svc_xasprintf("%s/%s", root, repo.config.baseline)
                                    : NULL;
        const char *baseline_in_force = baseline ? baseline : config_baseline;
        if (diags && baseline_in_force) {
            svc_baseline *b = NULL;
            if (svc_baseline_load(&b, baseline_in_force, &err) < 0) {
                cli_error("check: %s", err.message);
                ok = false;
            } else {
                svc_baseline_filter(b, repo.model, diags);
                svc_baseline_free(b);
            }
        }
        if (ok && diags && write_baseline) {
            if (svc_baseline_write(write_baseline, repo.model, diags, &err) < 0) {
                cli_error("check: %s", err.message);
                ok = false;
            } else {
                cli_error("wrote %zu findings to %s", diags->len, svc_quoted_path(write_baseline));
                status = EXIT_CLEAN;
            }
        } else if (ok && diags) {
            if (statistics || svc_format_shows_fixes(format)) svc_diagnostics_compute_fixes(repo.model, diags);
            bool color = !no_color && format == SVC_FORMAT_TEXT && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
            if (statistics) {
                print_statistics(diags, color);
            } else {
                svc_report_options opts = { color, PACKAGE_VERSION };
                char *text = svc_report_render(repo.model, diags, format, &opts);
                fputs(text, stdout);
                free(text);
            }
            status = EXIT_CLEAN;
            for (size_t i = 0; i < diags->len; i++)
                if (diags->items[i].severity >= fail_on) status = EXIT_FINDINGS;
            if (exit_zero) status = EXIT_CLEAN;
        }
        /* Files that could not be read whole are said, never silently skipped; one that could not be
         * read at all (not one over max-file-size) is an I/O error: nothing says it is clean. */
        size_t unread = cli_warn_unread(repo.model);
        if (unread && status != EXIT_ERROR) {
            fprintf(stderr, "svcscope: %zu %s could not be read (exit status 2)\n", unread,
                    unread == 1 ? "file or folder" : "files or folders");
            status = EXIT_ERROR;
        }
        free(config_baseline);
        svc_diagnostics_free(diags);
        if (before.model) cli_repo_close(&before);
        svc_source_free_paths(renamed_from, nrenamed);
        svc_source_free_paths(renamed_to, nrenamed);
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

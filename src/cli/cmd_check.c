/* svcscope check: run the rules, print findings, exit 0/1/2 (the CI and pre-commit use). */
#include <getopt.h>
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

static void check_usage(FILE *out)
{
    fputs("usage: svcscope check [OPTIONS] [PATH...]\n"
          "\n"
          "Checks the repository against the services convention and prints one line per\n"
          "violation. PATHs (default: .) limit what is reported; the whole project is always\n"
          "read, so cross-file rules stay right.\n"
          "\n"
          "  --format FORMAT        text (default), json, sarif or github\n"
          "  --select CODES         only these rules (comma-separated codes or prefixes: SVC2,SVC401)\n"
          "  --ignore CODES         leave out these rules\n"
          "  --fail-on SEVERITY     exit 1 when a finding is at least info, warning (default) or error\n"
          "  --exclude GLOBS        also leave out these paths (comma-separated globs)\n"
          "  --staged               check the staged content (the git index), for pre-commit hooks\n"
          "  --diff REV             report only findings in files changed since REV\n"
          "  --baseline FILE        report only findings not recorded in FILE\n"
          "  --write-baseline FILE  record today's findings in FILE and exit 0\n"
          "  --statistics           print a count per rule instead of each finding\n"
          "  --exit-zero            exit 0 even when there are findings\n"
          "  --no-color             no colour (also when NO_COLOR is set or output is not a terminal)\n"
          "  --no-cache             neither read nor update the facts cache (also SVCSCOPE_NO_CACHE=1)\n"
          "  --max-file-size SIZE   skip larger files with a warning (default: the config's, else 10MiB)\n"
          "  --show-settings        print the settings in force and where each came from, and exit\n"
          "  -h, --help             show this help\n"
          "\n"
          "exit status: 0 nothing at or above --fail-on, 1 violations, 2 usage, config or I/O error\n",
          out);
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
    enum { OPT_FORMAT = 1, OPT_SELECT, OPT_IGNORE, OPT_FAIL_ON, OPT_EXCLUDE, OPT_STAGED, OPT_DIFF, OPT_BASELINE,
           OPT_WRITE_BASELINE, OPT_STATISTICS, OPT_EXIT_ZERO, OPT_NO_COLOR, OPT_NO_CACHE, OPT_MAX_FILE_SIZE,
           OPT_SHOW_SETTINGS };
    static const struct option options[] = {
        { "format", required_argument, NULL, OPT_FORMAT },
        { "output-format", required_argument, NULL, OPT_FORMAT },
        { "select", required_argument, NULL, OPT_SELECT },
        { "ignore", required_argument, NULL, OPT_IGNORE },
        { "fail-on", required_argument, NULL, OPT_FAIL_ON },
        { "exclude", required_argument, NULL, OPT_EXCLUDE },
        { "staged", no_argument, NULL, OPT_STAGED },
        { "diff", required_argument, NULL, OPT_DIFF },
        { "baseline", required_argument, NULL, OPT_BASELINE },
        { "write-baseline", required_argument, NULL, OPT_WRITE_BASELINE },
        { "statistics", no_argument, NULL, OPT_STATISTICS },
        { "exit-zero", no_argument, NULL, OPT_EXIT_ZERO },
        { "no-color", no_argument, NULL, OPT_NO_COLOR },
        { "no-cache", no_argument, NULL, OPT_NO_CACHE },
        { "max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE },
        { "show-settings", no_argument, NULL, OPT_SHOW_SETTINGS },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    svc_format format = SVC_FORMAT_TEXT;
    svc_severity fail_on = SVC_SEVERITY_WARNING;
    char **select = NULL, **ignore = NULL, **exclude = NULL;
    size_t nselect = 0, nignore = 0, nexclude = 0;
    const char *diff_rev = NULL, *baseline = NULL, *write_baseline = NULL;
    bool staged = false, statistics = false, exit_zero = false, no_color = false, no_cache = false;
    bool show_settings = false;
    uint64_t max_file_size = 0;
    int status = EXIT_ERROR;

    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (!svc_format_parse(optarg, &format)) {
                cli_error("check: unknown format '%s' (text, json, sarif or github)", optarg);
                goto out;
            }
            break;
        case OPT_SELECT: cli_split_list(optarg, &select, &nselect); break;
        case OPT_IGNORE: cli_split_list(optarg, &ignore, &nignore); break;
        case OPT_EXCLUDE: cli_split_list(optarg, &exclude, &nexclude); break;
        case OPT_FAIL_ON:
            if (!svc_severity_parse(optarg, &fail_on)) {
                cli_error("check: --fail-on takes info, warning or error, not '%s'", optarg);
                goto out;
            }
            break;
        case OPT_STAGED: staged = true; break;
        case OPT_DIFF: diff_rev = optarg; break;
        case OPT_BASELINE: baseline = optarg; break;
        case OPT_WRITE_BASELINE: write_baseline = optarg; break;
        case OPT_STATISTICS: statistics = true; break;
        case OPT_EXIT_ZERO: exit_zero = true; break;
        case OPT_NO_COLOR: no_color = true; break;
        case OPT_NO_CACHE: no_cache = true; break;
        case OPT_SHOW_SETTINGS: show_settings = true; break;
        case OPT_MAX_FILE_SIZE:
            if (!cli_parse_max_file_size("check", optarg, &max_file_size)) goto out;
            break;
        case 'h': check_usage(stdout); status = EXIT_CLEAN; goto out;
        default:
            if (optopt) cli_error("check: option '%s' needs a value (see svcscope check --help)", argv[optind - 1]);
            else cli_error("check: unknown option '%s' (see svcscope check --help)", argv[optind - 1]);
            goto out;
        }
    }
    if (!cli_valid_selectors(select, nselect, "--select") || !cli_valid_selectors(ignore, nignore, "--ignore")) goto out;

    {
        const char *first = optind < argc ? argv[optind] : ".";
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
        for (int i = optind; i < argc && ok; i++) {
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
                        inside = svc_dotted_within(changed[i], only.items[k]) || strcmp(only.items[k], "") == 0 ||
                                 (strncmp(changed[i], only.items[k], strlen(only.items[k])) == 0 &&
                                  changed[i][strlen(only.items[k])] == '/');
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

        svc_diagnostics *diags = ok ? svc_check(repo.model, &co) : NULL;
        svc_error err = SVC_ERROR_INIT;
        if (diags && baseline) {
            svc_baseline *b = NULL;
            if (svc_baseline_load(&b, baseline, &err) < 0) {
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

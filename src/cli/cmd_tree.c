/* svcscope tree: the services tree as text or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "svcscope/tree_report.h"

static void tree_usage(FILE *out)
{
    fputs("usage: svcscope tree [--format text|json] [--staged | --rev REV] [PATH]\n"
          "\n"
          "Prints the services tree (services, modules, tasks, delay_ wrappers, exceptions with\n"
          "line numbers) and the Django apps of the repository at PATH (default: .).\n"
          "\n"
          "  --format FORMAT  text (default) or json (the whole model)\n"
          "  --staged         read the staged content (the git index) instead of the work tree\n"
          "  --rev REV        read a commit (any git revision) instead of the work tree\n"
          "  --no-cache       neither read nor update the facts cache (also SVCSCOPE_NO_CACHE=1)\n"
          "  --max-file-size SIZE  skip larger files with a warning (default: the config's, else 10MiB)\n"
          "  -h, --help       show this help\n",
          out);
}

int cmd_tree(int argc, char **argv)
{
    static const struct option options[] = {
        { "format", required_argument, NULL, 'f' },
        { "staged", no_argument, NULL, 's' },
        { "rev", required_argument, NULL, 'r' },
        { "no-cache", no_argument, NULL, 'n' },
        { "max-file-size", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    cli_repo_options ro = { 0 };
    ro.kind = SVC_SOURCE_WORKTREE;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") == 0) json = true;
            else if (strcmp(optarg, "text") != 0) {
                cli_error("tree: unknown format '%s' (text or json)", optarg);
                return EXIT_ERROR;
            }
            break;
        case 's': ro.kind = SVC_SOURCE_INDEX; break;
        case 'r': ro.kind = SVC_SOURCE_COMMIT; ro.rev = optarg; break;
        case 'n': ro.no_cache = true; break;
        case 'm':
            if (!cli_parse_max_file_size("tree", optarg, &ro.max_file_size)) return EXIT_ERROR;
            break;
        case 'h': tree_usage(stdout); return EXIT_CLEAN;
        default:
            cli_error("tree: unknown option '%s' (see svcscope tree --help)", argv[optind - 1]);
            return EXIT_ERROR;
        }
    }
    if (argc - optind > 1) {
        cli_error("tree: one PATH at most");
        return EXIT_ERROR;
    }
    char *root = cli_find_root(optind < argc ? argv[optind] : ".");
    if (!root) return EXIT_ERROR;
    ro.path = root;
    cli_repo repo;
    int rc = cli_repo_open(&repo, &ro);
    free(root);
    if (rc != EXIT_CLEAN) return EXIT_ERROR;
    char *out = json ? svc_tree_json(repo.model) : svc_tree_text(repo.model);
    fputs(out, stdout);
    free(out);
    (void)cli_warn_unread(repo.model); /* what the tree could not show is said, on stderr */
    cli_repo_close(&repo);
    return EXIT_CLEAN;
}

/* svcscope graph: services, tasks and their wrappers, and who triggers them, as dot or Mermaid. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "svcscope/graph.h"
#include "svcscope/xref.h"

static void graph_usage(FILE *out)
{
    fputs("usage: svcscope graph [--format dot|mermaid] [--tests] [--staged | --rev REV] [PATH]\n"
          "\n"
          "Draws the Celery tasks of the repository at PATH (default: .) with their wrappers, the\n"
          "modules that trigger them and the services they run, clustered by service, Django app or\n"
          "top-level package. One edge per calling module, labelled with its number of call sites;\n"
          "direct .delay/.apply_async outside the tasks service are red dashed edges.\n"
          "Without a services package (migration mode), tasks are found anywhere and clustered by\n"
          "their top-level package: today's .delay map.\n"
          "\n"
          "  --format FORMAT  dot (default; render with `dot -Tsvg`) or mermaid\n"
          "  --tests          draw call sites in test modules too (left out by default)\n"
          "  --staged         read the staged content (the git index) instead of the work tree\n"
          "  --rev REV        read a commit (any git revision) instead of the work tree\n"
          "  -h, --help       show this help\n",
          out);
}

int cmd_graph(int argc, char **argv)
{
    enum { OPT_FORMAT = 256, OPT_STAGED, OPT_REV, OPT_TESTS };
    static const struct option options[] = {
        { "format", required_argument, NULL, OPT_FORMAT },
        { "staged", no_argument, NULL, OPT_STAGED },
        { "rev", required_argument, NULL, OPT_REV },
        { "tests", no_argument, NULL, OPT_TESTS },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    svc_graph_options go = SVC_GRAPH_OPTIONS_INIT;
    cli_repo_options ro = { 0 };
    ro.kind = SVC_SOURCE_WORKTREE;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (strcmp(optarg, "dot") == 0) go.format = SVC_GRAPH_DOT;
            else if (strcmp(optarg, "mermaid") == 0) go.format = SVC_GRAPH_MERMAID;
            else {
                cli_error("graph: unknown format '%s' (dot or mermaid)", optarg);
                return EXIT_ERROR;
            }
            break;
        case OPT_STAGED: ro.kind = SVC_SOURCE_INDEX; break;
        case OPT_REV: ro.kind = SVC_SOURCE_COMMIT; ro.rev = optarg; break;
        case OPT_TESTS: go.include_tests = true; break;
        case 'h': graph_usage(stdout); return EXIT_CLEAN;
        default:
            cli_error("graph: unknown option '%s' (see svcscope graph --help)", argv[optind - 1]);
            return EXIT_ERROR;
        }
    }
    if (argc - optind > 1) {
        cli_error("graph: one PATH at most");
        return EXIT_ERROR;
    }
    char *root = cli_find_root(optind < argc ? argv[optind] : ".");
    if (!root) return EXIT_ERROR;
    ro.path = root;
    cli_repo repo;
    int rc = cli_repo_open(&repo, &ro);
    free(root);
    if (rc != EXIT_CLEAN) return EXIT_ERROR;
    svc_xref *x = svc_xref_build(repo.model);
    char *out = svc_graph_render(x, &go);
    fputs(out, stdout);
    free(out);
    svc_xref_free(x);
    cli_repo_close(&repo);
    return EXIT_CLEAN;
}

/* svcscope graph: services, tasks and their wrappers, and who triggers them, as dot or Mermaid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "svcscope/graph.h"
#include "svcscope/xref.h"

int cmd_graph(int argc, char **argv)
{
    static const cli_choice formats[] = { { "dot", SVC_GRAPH_DOT }, { "mermaid", SVC_GRAPH_MERMAID }, { NULL, 0 } };
    svc_graph_options go = SVC_GRAPH_OPTIONS_INIT;
    int format = (int)go.format;
    bool staged = false;
    cli_repo_options ro = { 0 };
    const cli_option options[] = {
        { "format", .metavar = "FORMAT", .help = "dot (default; render with `dot -Tsvg`) or mermaid",
          .choices = formats, .choice = &format },
        { "tests", .help = "draw call sites in test modules too (left out by default)", .flag = &go.include_tests },
        CLI_STAGED_OPTION(&staged),
        CLI_REV_OPTION(&ro.rev),
        CLI_HELP_OPTION,
        { NULL },
    };
    const cli_args_spec spec = {
        .command = "graph",
        .options = options,
        .conflicts = cli_staged_rev_conflicts,
        .synopsis = "usage: svcscope graph [--format dot|mermaid] [--tests] [--staged | --rev REV] [PATH]\n"
                    "\n"
                    "Draws the Celery tasks of the repository at PATH (default: .) with their wrappers, the\n"
                    "modules that trigger them and the services they run, clustered by service, Django app or\n"
                    "top-level package. One edge per calling module, labelled with its number of call sites;\n"
                    "direct .delay/.apply_async outside the tasks service are red dashed edges.\n"
                    "Without a services package (migration mode), tasks are found anywhere and clustered by\n"
                    "their top-level package: today's .delay map.\n"
                    "\n",
        .help_column = 19,
    };
    int first_operand, status;
    if (!cli_args_parse(&spec, argc, argv, &first_operand, &status)) return status;
    go.format = (svc_graph_format)format;
    ro.kind = cli_source_kind(staged, ro.rev);
    if (argc - first_operand > 1) {
        cli_error("graph: one PATH at most");
        return EXIT_ERROR;
    }
    char *root = cli_find_root(first_operand < argc ? argv[first_operand] : ".");
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

/* svcscope tree: the services tree as text or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "svcscope/tree_report.h"

int cmd_tree(int argc, char **argv)
{
    enum { TREE_TEXT, TREE_JSON };
    static const cli_choice formats[] = { { "text", TREE_TEXT }, { "json", TREE_JSON }, { NULL, 0 } };
    int format = TREE_TEXT;
    bool staged = false;
    cli_repo_options ro = { 0 };
    const cli_option options[] = {
        { "format", .metavar = "FORMAT", .help = "text (default) or json (the whole model)", .choices = formats,
          .choice = &format },
        CLI_STAGED_OPTION(&staged),
        CLI_REV_OPTION(&ro.rev),
        CLI_NO_CACHE_OPTION(&ro.no_cache),
        CLI_MAX_FILE_SIZE_OPTION(&ro.max_file_size),
        CLI_HELP_OPTION,
        { NULL },
    };
    const cli_args_spec spec = {
        .command = "tree",
        .options = options,
        .conflicts = cli_staged_rev_conflicts,
        .synopsis = "usage: svcscope tree [--format text|json] [--staged | --rev REV] [PATH]\n"
                    "\n"
                    "Prints the services tree (services, modules, tasks, delay_ wrappers, exceptions with\n"
                    "line numbers) and the Django apps of the repository at PATH (default: .).\n"
                    "\n",
        .help_column = 19,
    };
    int first_operand, status;
    if (!cli_args_parse(&spec, argc, argv, &first_operand, &status)) return status;
    bool json = format == TREE_JSON;
    ro.kind = cli_source_kind(staged, ro.rev);
    if (argc - first_operand > 1) {
        cli_error("tree: one PATH at most");
        return EXIT_ERROR;
    }
    char *root = cli_find_root(first_operand < argc ? argv[first_operand] : ".");
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

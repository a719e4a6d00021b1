/* svcscope lsp: the language server on stdin/stdout, for editors (docs/lsp.md). */
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "env/environment.h"
#include "lsp/lsp.h"

int cmd_lsp(int argc, char **argv)
{
    bool no_cache = false, stdio = false;
    int status = EXIT_ERROR;
    const cli_option options[] = {
        { "stdio", .help = "talk on stdin and stdout (the only way; accepted as editors pass it)", .flag = &stdio },
        CLI_NO_CACHE_OPTION(&no_cache),
        CLI_HELP_OPTION,
        { NULL },
    };
    const cli_args_spec spec = {
        .command = "lsp",
        .options = options,
        .synopsis = "usage: svcscope lsp [OPTIONS] [PATH]\n"
                    "\n"
                    "Runs the language server: an editor starts it and speaks the Language Server\n"
                    "Protocol with it on stdin and stdout (findings as diagnostics, fixes as code\n"
                    "actions, definitions, hovers, symbols, the callers of tasks). PATH is the project\n"
                    "when the editor names no workspace folder (default: .). Logs go to stderr.\n"
                    "\n",
        .epilogue = "\n"
                    "exit status: 0 after the editor's shutdown and exit, 1 when the input ends or exit\n"
                    "comes without shutdown, 2 usage error\n",
        .help_column = 18,
    };
    int first_operand;
    if (!cli_args_parse(&spec, argc, argv, &first_operand, &status)) return status;
    if (argc - first_operand > 1) {
        cli_error("lsp: one PATH at most");
        return EXIT_ERROR;
    }
    lsp_options opts = { 0 };
    svc_model_options mo = SVC_MODEL_OPTIONS_INIT;
    mo.cache = !no_cache;
    env_model_options(&mo);
    opts.model = mo;
    opts.find_root = cli_find_root;
    opts.default_root = first_operand < argc ? argv[first_operand] : ".";
    return lsp_serve(STDIN_FILENO, STDOUT_FILENO, &opts);
}

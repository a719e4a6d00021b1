/* svcscope: argument parsing and dispatch to a subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "cli/cli.h"
#include "svcscope/util.h"
#include "tui/tui.h"

static const cli_command commands[] = {
    { "init", cmd_init, "propose a [tool.svcscope] table for the codebase and write it into pyproject.toml" },
    { "check", cmd_check, "check the repository against the convention (CI, pre-commit)" },
    { "fix", cmd_fix, "apply the fixes (--diff to preview, --stage to stage only them, --undo)" },
    { "rules", cmd_rules, "list the rules, or explain one: svcscope rules SVC201" },
    { "callers", cmd_callers, "who triggers a Celery task, and from where: svcscope callers delay_send_welcome" },
    { "graph", cmd_graph, "draw tasks, wrappers and who triggers them (--format dot|mermaid)" },
    { "tree", cmd_tree, "print the services tree: services, modules, tasks, wrappers, exceptions, apps" },
    { "install-hook", cmd_install_hook, "install a git pre-commit hook that checks the files of each commit" },
    { "lsp", cmd_lsp, "the language server for editors (LSP on stdin/stdout)" },
};

/* The top of `svcscope --help`: the usage lines and the commands; the options follow. */
static char *usage_synopsis(void)
{
    svc_buf b = { 0 };
    svc_buf_puts(&b, "usage: svcscope [--demo [--keep]] [--no-color] [PATH]\n"
                     "       svcscope COMMAND [OPTIONS] [PATH]\n"
                     "\n"
                     "Sees and enforces the services architecture of a Django + Celery repository.\n"
                     "\n"
                     "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        svc_buf_printf(&b, "  %-12s %s\n", commands[i].name, commands[i].summary);
    svc_buf_puts(&b, "\noptions:\n");
    return svc_buf_detach(&b);
}

/*
 * No command: the explorer on PATH (or on a fresh copy of the demo). Without a terminal to
 * draw on (output piped, no SVCSCOPE_SCRIPT) the tree is printed instead, as `svcscope tree`.
 */
static int explore(int argc, char **argv)
{
    bool demo = false, keep = false, no_color = false, no_watch = false, version = false;
    const cli_option options[] = {
        { "demo", .help = "copy the bundled demo project into a temporary git repo and open it", .flag = &demo },
        { "keep", .help = "with --demo: keep the copy on exit (else it is removed)", .flag = &keep },
        { "no-color", .help = "no colour in the explorer (also when NO_COLOR is set)", .flag = &no_color },
        { "no-watch", .help = "do not follow changes made outside the explorer (R reloads)", .flag = &no_watch },
        { "help", 'h', .help = "show this help (COMMAND --help for a command's options)", .shows_help = true },
        { "version", .help = "print the version", .stop = true, .flag = &version },
        { NULL },
    };
    char *synopsis = usage_synopsis();
    static const cli_requirement requirements[] = {
        { "keep", "demo", "--keep keeps the temporary copy --demo makes" },
        { NULL },
    };
    const cli_args_spec spec = {
        .command = NULL, .options = options, .requirements = requirements, .synopsis = synopsis, .help_column = 15,
    };
    int first_operand, status;
    bool go_on = cli_args_parse(&spec, argc, argv, &first_operand, &status);
    free(synopsis);
    if (!go_on) return status;
    if (version) {
        printf("svcscope %s\n", PACKAGE_VERSION);
        return EXIT_CLEAN;
    }
    if (argc - first_operand > 1) {
        cli_error("one PATH at most");
        return EXIT_ERROR;
    }
    const char *path = first_operand < argc ? argv[first_operand] : NULL;
    if (demo && path) {
        cli_error("--demo opens its own copy of the demo: no PATH with it");
        return EXIT_ERROR;
    }
    char *dir = demo ? demo_create(keep) : NULL;
    if (demo && !dir) return EXIT_ERROR;
    if (dir) path = dir;
    int rc;
    const char *script = getenv("SVCSCOPE_SCRIPT");
    if (!(script && *script) && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        /* `--`: a PATH that starts with '-' stays a PATH */
        char tree[] = "tree", end_of_options[] = "--";
        char *args[] = { tree, end_of_options, SVC_UNCONST(char *, path ? path : "."), NULL };
        rc = cmd_tree(3, args);
    } else {
        char *root = cli_find_root(path ? path : ".");
        tui_options opts = TUI_OPTIONS_INIT;
        opts.no_color = no_color;
        opts.no_watch = no_watch;
        rc = root ? tui_run(root, &opts) : EXIT_ERROR;
        free(root);
    }
    if (dir) demo_finish(dir, keep);
    free(dir);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2) {
        const char *arg = argv[1];
        for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
            if (strcmp(arg, commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
        struct stat st;
        if (arg[0] != '-' && !strchr(arg, '/') && stat(arg, &st) != 0) {
            cli_error("unknown command '%s' (see svcscope --help)", arg);
            return EXIT_ERROR;
        }
    }
    return explore(argc, argv);
}

/* svcscope: argument parsing and dispatch to a subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "cli/cli.h"
#include "tui/tui.h"

static const cli_command commands[] = {
    { "check", cmd_check, "check the repository against the convention (CI, pre-commit)" },
    { "fix", cmd_fix, "apply the fixes (--diff to preview, --stage to stage only them, --undo)" },
    { "rules", cmd_rules, "list the rules, or explain one: svcscope rules SVC201" },
    { "callers", cmd_callers, "who triggers a Celery task, and from where: svcscope callers delay_send_welcome" },
    { "graph", cmd_graph, "draw tasks, wrappers and who triggers them (--format dot|mermaid)" },
    { "tree", cmd_tree, "print the services tree: services, modules, tasks, wrappers, exceptions, apps" },
    { "install-hook", cmd_install_hook, "install a git pre-commit hook that checks the files of each commit" },
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: svcscope [--demo] [--no-color] [PATH]\n"
            "       svcscope COMMAND [OPTIONS] [PATH]\n"
            "\n"
            "Sees and enforces the services architecture of a Django + Celery repository.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "options:\n"
            "  --demo       copy the bundled demo project into a temporary git repo and open it\n"
            "  --no-color   no colour in the explorer (also when NO_COLOR is set)\n"
            "  -h, --help   show this help (COMMAND --help for a command's options)\n"
            "  --version    print the version\n");
}

/*
 * No command: the explorer on PATH (or on a fresh copy of the demo). Without a terminal to
 * draw on (output piped, no SVCSCOPE_SCRIPT) the tree is printed instead, as `svcscope tree`.
 */
static int explore(int argc, char **argv)
{
    bool demo = false, no_color = false;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--demo") == 0) demo = true;
        else if (strcmp(argv[i], "--no-color") == 0) no_color = true;
        else if (argv[i][0] == '-') {
            cli_error("unknown option '%s' (see svcscope --help)", argv[i]);
            return EXIT_ERROR;
        } else if (path) {
            cli_error("one PATH at most");
            return EXIT_ERROR;
        } else path = argv[i];
    }
    if (demo && path) {
        cli_error("--demo opens its own copy of the demo: no PATH with it");
        return EXIT_ERROR;
    }
    char *dir = demo ? demo_create() : NULL;
    if (demo && !dir) return EXIT_ERROR;
    if (dir) path = dir;
    int rc;
    const char *script = getenv("SVCSCOPE_SCRIPT");
    if (!(script && *script) && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
        char *args[] = { "tree", (char *)(path ? path : "."), NULL };
        rc = cmd_tree(2, args);
    } else {
        char *root = cli_find_root(path ? path : ".");
        tui_options opts = TUI_OPTIONS_INIT;
        opts.no_color = no_color;
        rc = root ? tui_run(root, &opts) : EXIT_ERROR;
        free(root);
    }
    free(dir);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2) {
        const char *arg = argv[1];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            usage(stdout);
            return EXIT_CLEAN;
        }
        if (strcmp(arg, "--version") == 0) {
            printf("svcscope %s\n", PACKAGE_VERSION);
            return EXIT_CLEAN;
        }
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

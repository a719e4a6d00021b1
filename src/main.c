/* svcscope: argument parsing and dispatch to a subcommand. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "cli/cli.h"

static const cli_command commands[] = {
    { "check", cmd_check, "check the repository against the convention (CI, pre-commit)" },
    { "rules", cmd_rules, "list the rules, or explain one: svcscope rules SVC201" },
    { "callers", cmd_callers, "who triggers a Celery task, and from where: svcscope callers delay_send_welcome" },
    { "graph", cmd_graph, "draw tasks, wrappers and who triggers them (--format dot|mermaid)" },
    { "tree", cmd_tree, "print the services tree: services, modules, tasks, wrappers, exceptions, apps" },
};

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("svcscope: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: svcscope [--demo] [PATH]\n"
            "       svcscope COMMAND [OPTIONS] [PATH]\n"
            "\n"
            "Sees and enforces the services architecture of a Django + Celery repository.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "options:\n"
            "  --demo       copy the bundled demo project into a temporary git repo and open it\n"
            "  -h, --help   show this help (COMMAND --help for a command's options)\n"
            "  --version    print the version\n");
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
        if (strcmp(arg, "--demo") == 0) {
            char *dir = demo_create();
            if (!dir) return EXIT_ERROR;
            char *args[] = { "tree", dir, NULL };
            int rc = cmd_tree(2, args);
            free(dir);
            return rc;
        }
        struct stat st;
        if (arg[0] != '-' && !strchr(arg, '/') && stat(arg, &st) != 0) {
            cli_error("unknown command '%s' (see svcscope --help)", arg);
            return EXIT_ERROR;
        }
        if (arg[0] == '-') {
            cli_error("unknown option '%s' (see svcscope --help)", arg);
            return EXIT_ERROR;
        }
    }
    /* No command: the explorer opens on PATH; until it exists, the tree is shown. */
    return cmd_tree(argc, argv);
}

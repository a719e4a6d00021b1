/* svcscope rules [CODE]: the catalogue, or one rule explained with a bad and a good example. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "svcscope/report.h"
#include "svcscope/rules.h"

static void rules_usage(FILE *out)
{
    fputs("usage: svcscope rules [--format text|json] [CODE...]\n"
          "\n"
          "Lists every rule (code, name, severity, whether it has a fix, what it flags), or\n"
          "explains the rules named: the convention behind it, a bad and a good example, the fix.\n",
          out);
}

static void print_indented(const char *text)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        printf("    %.*s\n", (int)n, p);
        p += n;
        if (*p == '\n') p++;
    }
}

static void explain(const svc_rule *r)
{
    printf("%s [%s]  (%s%s)\n\n", r->code, r->name, svc_severity_name(r->severity), r->fix ? ", fixable" : "");
    printf("%s\n\n", r->summary);
    printf("Why: %s\n\n", r->why);
    printf("Flagged:\n");
    print_indented(r->bad);
    printf("\nInstead:\n");
    print_indented(r->good);
    printf("\nFix: %s\n", r->fix ? r->fix : "none (the change needs a person's judgement)");
    printf("Suppress on one line with `# noqa: %s`. Docs: %s\n", r->code, svc_rule_url(r));
}

static json_t *rule_json(const svc_rule *r)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "code", r->code, "name", r->name, "severity",
                     svc_severity_name(r->severity), "summary", r->summary, "why", r->why, "bad", r->bad, "good",
                     r->good, "fix", r->fix ? json_string(r->fix) : json_null(), "url", svc_rule_url(r));
}

int cmd_rules(int argc, char **argv)
{
    static const struct option options[] = {
        { "format", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") == 0) json = true;
            else if (strcmp(optarg, "text") != 0) {
                cli_error("rules: unknown format '%s' (text or json)", optarg);
                return EXIT_ERROR;
            }
            break;
        case 'h': rules_usage(stdout); return EXIT_CLEAN;
        default:
            cli_error("rules: unknown option '%s' (see svcscope rules --help)", argv[optind - 1]);
            return EXIT_ERROR;
        }
    }
    size_t count;
    const svc_rule *rules = svc_rules(&count);
    for (int i = optind; i < argc; i++)
        if (!svc_rule_by_code(argv[i])) {
            cli_error("rules: no rule '%s' (see svcscope rules)", argv[i]);
            return EXIT_ERROR;
        }
    if (json) {
        json_t *arr = json_array();
        if (optind < argc)
            for (int i = optind; i < argc; i++) json_array_append_new(arr, rule_json(svc_rule_by_code(argv[i])));
        else
            for (size_t i = 0; i < count; i++) json_array_append_new(arr, rule_json(&rules[i]));
        char *text = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(text);
        free(text);
        json_decref(arr);
        return EXIT_CLEAN;
    }
    if (optind < argc) {
        for (int i = optind; i < argc; i++) {
            if (i > optind) puts("\n----\n");
            explain(svc_rule_by_code(argv[i]));
        }
        return EXIT_CLEAN;
    }
    for (size_t i = 0; i < count; i++)
        printf("%s  %-28s %-8s %s  %s\n", rules[i].code, rules[i].name, svc_severity_name(rules[i].severity),
               rules[i].fix ? "fix" : "   ", rules[i].summary);
    printf("\n`svcscope rules CODE` explains one rule with examples.\n");
    return EXIT_CLEAN;
}

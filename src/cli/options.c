/* Option values shared by the commands: comma-separated lists, rule selectors, sizes. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "svcscope/config.h"
#include "svcscope/rules.h"
#include "svcscope/util.h"

/* Splits "a,b , c" into a NULL-terminated list (appending to *list). */
void cli_split_list(const char *text, char ***list, size_t *n)
{
    const char *p = text;
    while (*p) {
        while (*p == ',' || *p == ' ') p++;
        size_t len = strcspn(p, ",");
        size_t trim = len;
        while (trim > 0 && p[trim - 1] == ' ') trim--;
        if (trim) {
            *list = svc_xrealloc(*list, (*n + 2) * sizeof **list);
            (*list)[(*n)++] = svc_xstrndup(p, trim);
            (*list)[*n] = NULL;
        }
        p += len;
    }
}

void cli_free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++) free(list[i]);
    free(list);
}

bool cli_valid_selectors(char **list, size_t n, const char *option)
{
    for (size_t i = 0; i < n; i++) {
        size_t count;
        const svc_rule *rules = svc_rules(&count);
        bool any = false;
        for (size_t r = 0; r < count && !any; r++) any = svc_rule_matches(rules[r].code, list[i]);
        if (!any) {
            cli_error("%s: '%s' selects no rule (codes are SVC100..SVC900; see svcscope rules)", option, list[i]);
            return false;
        }
    }
    return true;
}

bool cli_parse_max_file_size(const char *command, const char *text, void *size)
{
    if (svc_config_parse_size(text, size)) return true;
    cli_command_error(command, "--max-file-size takes a size from 1 byte to 1 GiB, such as 10485760 or 10MiB, not '%s'",
                      text);
    return false;
}

const cli_conflict cli_staged_rev_conflicts[] = {
    { "staged", "rev", "--staged reads the index, --rev a commit" },
    { NULL },
};

svc_source_kind cli_source_kind(bool staged, const char *rev)
{
    return staged ? SVC_SOURCE_INDEX : rev ? SVC_SOURCE_COMMIT : SVC_SOURCE_WORKTREE;
}

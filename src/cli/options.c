/* Option values shared by the commands: comma-separated lists and rule selectors. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
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

/*
 * The rule catalogue (spec/RULES.md) and the checker that runs it over a model.
 * Each family lives in its own file (rules_layout.c, rules_imports.c, rules_exceptions.c,
 * rules_tasks.c, rules_logic.c, rules_hygiene.c); rules read the model and facts only, never
 * the disk. What the families share is core-private (src/core/rules_internal.h). Each rule of
 * the catalogue names its fixer (fixes_<family>.c), which svc_diagnostics_compute_fixes runs when
 * a presenter asks for fixes.
 */
#ifndef SVCSCOPE_RULES_H
#define SVCSCOPE_RULES_H

#include "svcscope/diagnostic.h"
#include "svcscope/model.h"

/* What a fixer works with: the model, the files it read, the arena of the diagnostics (core-private,
 * src/core/fixes_internal.h). */
struct svc_fix_ctx;
/* Computes the fix of one finding of its rule, or NULL when no correct one exists. */
typedef const svc_fix *(*svc_fixer)(struct svc_fix_ctx *ctx, const svc_diagnostic *d);

typedef struct svc_rule {
    const char *code;          /* "SVC201" */
    const char *name;          /* "deep-service-import" */
    svc_severity severity;
    const char *summary;       /* one line: what it flags */
    const char *why;           /* the sentence of the convention it enforces */
    const char *bad;           /* example that is flagged */
    const char *good;          /* what the convention wants instead */
    const char *fix;           /* what the fix does, or NULL when there is none */
    svc_fixer fixer;           /* computes it; NULL exactly when `fix` is */
} svc_rule;

/* All rules, in code order. */
const svc_rule *svc_rules(size_t *count);
const svc_rule *svc_rule_by_code(const char *code);   /* exact, case-insensitive */
/* Where another rule reports the same root cause instead (one finding per root cause), or NULL. */
const char *svc_rule_precedence(const char *code);
/* True when `code` matches a selector: "SVC", "SVC2", "SVC20", "SVC201", or "ALL". */
bool svc_rule_matches(const char *code, const char *selector);

typedef struct svc_check_options {
    const char *const *select;  /* selectors; NULL/0 = config's, else all */
    size_t nselect;
    const char *const *ignore;
    size_t nignore;
    const char *const *only_paths;  /* report only findings in these paths/folders (CLI PATH args, --diff) */
    size_t nonly_paths;
    bool only_paths_set;            /* true even when the list is empty (--diff with no change) */
    /* SVC605: the model of the revision compared with (--diff REV), what it is called, and the files
     * moved since (renamed_from[i] then, renamed_to[i] now); NULL/0 when there is none. */
    const svc_model *before;
    const char *before_rev;
    const char *const *renamed_from;
    const char *const *renamed_to;
    size_t nrenamed;
} svc_check_options;

/*
 * Runs every rule, then drops what is not selected, what `# noqa` suppresses, what
 * per-file-ignores ignore, and what is outside only_paths; sorts the rest. Computes no fix
 * (every d->fix is NULL): svc_diagnostics_compute_fixes does, for presenters that show them.
 */
svc_diagnostics *svc_check(const svc_model *model, const svc_check_options *opts);

#endif

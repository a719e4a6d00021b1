/* The checker: runs the rule families (rules_*.c) over a model and filters what they found:
 * select/ignore, per-file-ignores, `# noqa`, and the paths asked about. It computes no fix:
 * presenters that show fixes ask for them (svc_diagnostics_compute_fixes). Nothing calls back
 * into this file. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "svcscope/util.h"
#include "rules_internal.h"

/* Length of the longest selector in the list matching the code; -1 when none does. */
static int best_match(const char *code, const char *const *selectors, size_t n)
{
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!svc_rule_matches(code, selectors[i])) continue;
        int len = strcasecmp(selectors[i], "ALL") == 0 ? 0 : (int)strlen(selectors[i]);
        if (len > best) best = len;
    }
    return best;
}

/* The more specific of select and ignore wins, as in ruff: select SVC2 + ignore SVC201. */
static bool selected(const char *code, const svc_check_options *opts, const svc_config *cfg)
{
    int sel;
    if (opts && opts->nselect) sel = best_match(code, opts->select, opts->nselect);
    else if (cfg && cfg->nselect) sel = best_match(code, (const char *const *)cfg->select, cfg->nselect);
    else sel = 0;
    if (sel < 0) return false;
    int ign = -1;
    if (cfg) ign = best_match(code, (const char *const *)cfg->ignore, cfg->nignore);
    if (opts) {
        int cli = best_match(code, opts->ignore, opts->nignore);
        if (cli > ign) ign = cli;
    }
    return sel > ign;
}

static bool noqa_suppresses(const svc_model *m, const svc_diagnostic *d)
{
    if (d->file < 0 || d->is_folder) return false;
    const svc_noqa *q = svc_facts_noqa_at(m->files[d->file].facts, d->span.row);
    if (!q) return false;
    if (q->all) return true;
    for (size_t i = 0; i < q->ncodes; i++)
        if (svc_str_starts_with(q->codes[i], "SVC") && svc_rule_matches(d->rule->code, q->codes[i])) return true;
    return false;
}

static bool per_file_ignored(const svc_config *cfg, const svc_diagnostic *d)
{
    if (!cfg) return false;
    for (size_t i = 0; i < cfg->nper_file_ignores; i++) {
        const svc_per_file_ignore *p = &cfg->per_file_ignores[i];
        if (!svc_glob_match(p->glob, d->path)) continue;
        if (best_match(d->rule->code, (const char *const *)p->codes, p->ncodes) >= 0) return true;
    }
    return false;
}

static bool in_paths(const svc_check_options *opts, const char *path)
{
    if (!opts || !opts->only_paths_set) return true;
    for (size_t i = 0; i < opts->nonly_paths; i++)
        if (svc_path_within(path, opts->only_paths[i])) return true;
    return false;
}

svc_diagnostics *svc_check(const svc_model *model, const svc_check_options *opts)
{
    svc_diagnostics *all = svc_diagnostics_new();
    svc_check_ctx ctx = { model, all, opts };
    svc_check_layout(&ctx);
    svc_check_imports(&ctx);
    svc_check_exceptions(&ctx);
    svc_check_tasks(&ctx);
    svc_check_logic(&ctx);
    svc_check_celery_calls(&ctx);
    svc_check_registration(&ctx);
    svc_check_hygiene(&ctx);

    size_t kept = 0;
    for (size_t i = 0; i < all->len; i++) {
        const svc_diagnostic *d = &all->items[i];
        if (!selected(d->rule->code, opts, model->config)) continue;
        if (!in_paths(opts, d->path)) continue;
        if (per_file_ignored(model->config, d)) continue;
        if (noqa_suppresses(model, d)) continue;
        all->items[kept++] = *d;
    }
    all->len = kept;
    svc_diagnostics_sort(all);
    return all;
}

/*
 * The report of a model build on stderr (build_report.h). The lines are read by people and by
 * tests/e2e/cache.sh: their words stay as they are.
 */
#include <stdio.h>

#include "env/build_report.h"
#include "env/environment.h"
#include "svcscope/quote.h"

static void report_round(const svc_model *m, const svc_model_round *r)
{
    switch (r->kind) {
    case SVC_ROUND_FILES:
        fprintf(stderr, "phase 1: %zu of %zu parsed\n", r->parsed, m->nfiles);
        for (size_t k = 0; r->files && k < r->parsed; k++)
            fprintf(stderr, "parsed %s %s\n", r->must[k] ? "must" : "word", svc_quoted_path(m->files[r->files[k]].path));
        break;
    case SVC_ROUND_CLOSURE:
        fprintf(stderr, "closure: %zu parsed\n", r->parsed);
        for (size_t k = 0; r->files && k < r->parsed; k++)
            fprintf(stderr, "closure-parsed %s\n", svc_quoted_path(m->files[r->files[k]].path));
        break;
    case SVC_ROUND_TAINT:
        fprintf(stderr, "taint: %zu names, %zu files\n", r->names, r->needed);
        break;
    }
}

void env_report_build(const svc_model *m)
{
    const env_settings *env = env_get();
    const svc_model_stats *st = &m->stats;
    if (env->debug)
        for (size_t i = 0; i < st->nrounds; i++) report_round(m, &st->rounds[i]);
    if (!env->stats) return;
    fprintf(stderr, "svcscope: %zu files: %zu parsed, %zu from the cache, %zu unparsed, %zu read; %.1f ms (", m->nfiles,
            st->parsed, st->cached, st->unparsed, st->read, (double)st->ns / 1e6);
    for (size_t k = 0; k < st->nphases; k++)
        fprintf(stderr, "%s%s %.1f", k ? ", " : "", st->phases[k].name, (double)st->phases[k].ns / 1e6);
    fprintf(stderr, ")\n");
}

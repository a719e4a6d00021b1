/*
 * Writing the facts cache back after a build: what changed is handed to a thread of its own,
 * which writes while the caller goes on with the model (svc_model_free joins it).
 */
#include <stdlib.h>
#include <string.h>

#include "core/model_internal.h"

static int compare_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

/* A cache file being written while the caller goes on with the model (joined by svc_model_free). */
typedef struct model_cache_job {
    char *path;
    svc_cache_record *records;
    size_t n;
    svc_cache_meta meta;
    uint32_t *checked;
    SVC_VEC(uint32_t *) tokens; /* token lists handed over by the build */
} cache_job;

static void *cache_writer(void *arg)
{
    cache_job *cj = arg;
    svc_cache_write(cj->path, cj->records, cj->n, &cj->meta);
    return NULL;
}

static void cache_job_free(cache_job *cj)
{
    if (!cj) return;
    for (size_t i = 0; i < cj->tokens.len; i++) free(cj->tokens.items[i]);
    svc_vec_free(&cj->tokens);
    free(cj->records);
    free(cj->checked);
    free(cj->path);
    free(cj);
}

void model_cache_update(build_ctx *b, const char *path, int64_t started_ns, bool sync)
{
    svc_model *m = b->m;
    struct parse_state *ps = b->ps;
    svc_cache *old = ps->cache;
    svc_cache_record *recs = svc_xcalloc(m->nfiles ? m->nfiles : 1, sizeof *recs);
    size_t n = 0;
    bool dirty = false;
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        const file_work *w = &ps->work[i];
        if (w->status == ST_FAILED || w->status == ST_TODO || !w->have_id) {
            dirty |= w->entry >= 0;
            continue;
        }
        const svc_source_file *sf = svc_source_at(m->source, w->src);
        svc_cache_record *r = &recs[n++];
        r->path = f->path;
        r->module = f->module;
        r->is_init = f->is_init;
        memcpy(r->id, w->id, 20);
        if (sf->has_stat) {
            r->has_stat = true;
            r->size = sf->size;
            r->mtime_ns = sf->mtime_ns;
            r->ctime_ns = sf->ctime_ns;
            r->ino = sf->ino;
        }
        /* facts parsed now are written; the rest of a matching entry is kept */
        if (w->status == ST_PARSED) r->facts = f->facts;
        if (w->matched) {
            r->from = old;
            r->from_entry = w->entry;
        }
        if (w->tokens_owned) {
            r->tokens = w->tokens;
            r->ntokens = w->ntokens;
        }
        if (ps->check_only) r->needed = w->status != ST_UNPARSED;
        else r->needed = w->matched ? svc_cache_needed(old, w->entry) : true;
        dirty |= !w->matched || w->stat_changed || w->tokens_owned || w->status == ST_PARSED ||
                 r->needed != svc_cache_needed(old, w->entry);
    }
    dirty |= n != svc_cache_count(old);

    svc_cache_meta meta = { .started_ns = started_ns, .old = old };
    uint32_t *checked = NULL;
    size_t nold = 0;
    const uint32_t *old_checked = svc_cache_checked(old, &nold);
    if (ps->check_only && ps->taint_skipped) {
        meta.fingerprint = ps->fingerprint;
        meta.checked = old_checked;
        meta.nchecked = nold;
    } else if (ps->check_only) {
        meta.fingerprint = ps->fingerprint;
        checked = svc_xmalloc((ps->taint.len + 1) * sizeof *checked);
        size_t k = 0;
        for (size_t i = 0; i < ps->taint.len; i++) checked[k++] = ps->taint.items[i].id;
        if (k > 1) qsort(checked, k, sizeof *checked, compare_u32);
        size_t u = 0;
        for (size_t i = 0; i < k; i++)
            if (!u || checked[u - 1] != checked[i]) checked[u++] = checked[i];
        meta.checked = checked;
        meta.nchecked = u;
        dirty |= meta.fingerprint != svc_cache_fingerprint(old) || u != nold ||
                 (u && memcmp(checked, old_checked, u * sizeof *checked) != 0);
    } else {
        /* a full build changes no verdict; the next check-only build takes them again */
        meta.fingerprint = 0;
        meta.checked = old_checked;
        meta.nchecked = nold;
    }
    if (!dirty) {
        free(checked);
        free(recs);
        return;
    }
    /* The records point into the model (paths, facts) and the old cache, which svc_model_free
     * keeps until the writer is done; the build's token lists are handed over. */
    cache_job *cj = svc_xcalloc(1, sizeof *cj);
    cj->path = svc_xstrdup(path);
    cj->records = recs;
    cj->n = n;
    cj->meta = meta;
    cj->checked = checked;
    for (size_t i = 0; i < m->nfiles; i++) {
        file_work *w = &ps->work[i];
        if (!w->tokens_owned) continue;
        svc_vec_push(&cj->tokens, SVC_UNCONST(uint32_t *, w->tokens));
        w->tokens_owned = false;
    }
    m->internal->cj = cj;
    if (!sync && pthread_create(&m->internal->writer, NULL, cache_writer, cj) == 0)
        m->internal->writing = true;
    else
        cache_writer(cj);
}

void model_cache_wait(struct svc_model_internal *in)
{
    if (in && in->writing) pthread_join(in->writer, NULL);
    if (in) in->writing = false;
}

void model_cache_close(struct svc_model_internal *in)
{
    if (!in) return;
    cache_job_free(in->cj);
    in->cj = NULL;
    svc_cache_close(in->cache);
    in->cache = NULL;
}

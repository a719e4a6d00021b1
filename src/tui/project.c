/* Opening a repository for the TUI: everything the panes read, built in one go. */
#include <stdlib.h>
#include <string.h>

#include "env/build_report.h"
#include "env/environment.h"
#include "svcscope/fix.h"
#include "svcscope/rules.h"
#include "svcscope/util.h"
#include "tui/project.h"

const char *tui_load_phase_name(tui_load_phase phase)
{
    switch (phase) {
    case TUI_LOAD_OPENING: return "opening";
    case TUI_LOAD_PARSING: return "parsing";
    case TUI_LOAD_CHECKING: return "checking";
    case TUI_LOAD_INDEXING: return "indexing callers";
    case TUI_LOAD_DONE: return "done";
    }
    return "";
}

static void announce(const tui_project_callbacks *cb, tui_load_phase phase)
{
    if (cb && cb->phase) cb->phase(cb->ctx, phase);
}

static void index_findings(tui_project *p)
{
    size_t nfiles = p->model->nfiles;
    p->file_first = svc_xcalloc(nfiles ? nfiles : 1, sizeof *p->file_first);
    p->file_count = svc_xcalloc(nfiles ? nfiles : 1, sizeof *p->file_count);
    /* Findings are sorted by path, so those of one file are contiguous. */
    for (size_t i = 0; i < p->diags->len; i++) {
        const svc_diagnostic *d = &p->diags->items[i];
        p->counts[d->severity]++;
        if (d->file < 0 || (size_t)d->file >= nfiles) continue;
        if (p->file_count[d->file]++ == 0) p->file_first[d->file] = i;
    }
}

int tui_project_open(tui_project **out, const char *root, const tui_project_callbacks *cb, svc_error *err)
{
    *out = NULL;
    tui_project *p = svc_xcalloc(1, sizeof *p);
    p->root = svc_xstrdup(root);
    const char *slash = strrchr(root, '/');
    p->name = svc_xstrdup(slash && slash[1] ? slash + 1 : root);
    svc_config_init(&p->config);

    announce(cb, TUI_LOAD_OPENING);
    svc_source_options so = SVC_SOURCE_OPTIONS_INIT;
    /* The config first: its max-file-size is the source's limit. */
    int rc = svc_config_load(&p->config, root, err);
    so.max_file_size = p->config.max_file_size;
    if (rc < 0 || svc_source_open(&p->source, root, &so, err) < 0) {
        tui_project_free(p);
        return err->code ? err->code : SVC_EIO;
    }
    announce(cb, TUI_LOAD_PARSING);
    svc_model_options mo = SVC_MODEL_OPTIONS_INIT;
    mo.cache = true; /* a reload after an edit or a fix costs about a warm check */
    env_model_options(&mo);
    if (cb) {
        mo.progress = cb->progress;
        mo.progress_ctx = cb->ctx;
    }
    if (svc_model_build(&p->model, p->source, &p->config, &mo, err) < 0) {
        tui_project_free(p);
        return err->code ? err->code : SVC_EIO;
    }
    env_report_build(p->model);
    announce(cb, TUI_LOAD_CHECKING);
    svc_check_options co = { 0 };
    p->diags = svc_check(p->model, &co);
    svc_diagnostics_compute_fixes(p->model, p->diags); /* f and F pick the findings with a fix and preview it */
    index_findings(p);
    announce(cb, TUI_LOAD_INDEXING);
    p->xref = svc_xref_build(p->model);
    p->reader = svc_xref_reader_new(p->model);
    p->query = svc_query_new(p->model, p->xref);
    announce(cb, TUI_LOAD_DONE);
    *out = p;
    return SVC_OK;
}

void tui_project_free(tui_project *p)
{
    if (!p) return;
    svc_query_free(p->query);
    svc_xref_reader_free(p->reader);
    svc_xref_free(p->xref);
    svc_diagnostics_free(p->diags);
    svc_model_free(p->model);
    svc_source_free(p->source);
    svc_config_free(&p->config);
    free(p->file_first);
    free(p->file_count);
    free(p->root);
    free(p->name);
    free(p);
}

const svc_diagnostic *tui_project_file_diags(const tui_project *p, long file, size_t *count)
{
    if (!p || file < 0 || (size_t)file >= p->model->nfiles || p->file_count[file] == 0) {
        *count = 0;
        return NULL;
    }
    *count = p->file_count[file];
    return &p->diags->items[p->file_first[file]];
}

size_t tui_project_diag_index(const tui_project *p, const svc_diagnostic *d)
{
    return (size_t)(d - p->diags->items);
}

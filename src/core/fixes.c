/*
 * Fixes: computing them. svc_diagnostics_compute_fixes attaches to each diagnostic whose rule has
 * a fix (spec/RULES.md, "fix" column) a svc_fix made of byte-range edits and file operations, when
 * a correct one exists. This file holds the dispatch (each rule of the catalogue, rules.c, names
 * its fixer) and the lifetime of what the fixers share while it runs. The fixers, one per code, are
 * in fixes_layout.c, fixes_imports.c, fixes_exceptions.c, fixes_tasks.c and fixes_hygiene.c; what
 * they share is in fixes_text.c (a file's bytes, tree and lines), fixes_build.c (building a fix),
 * fixes_lookup.c (names and facts), fixes_names.c (is a name free in a file), fixes_statements.c
 * (imports, statements, `__all__`) and fixes_refs.c (references across the repo, renames).
 *
 * Cost: svc_check computes no fix; the presenters that show fixes ask for them (the text and JSON
 * and SARIF outputs of `check`, `fix`, the explorer), warm runs included, so this works from the
 * facts and reads a file's bytes once per call; a file is parsed (at most once per call) only for
 * an edit that needs its nodes (an `__all__` literal, an import in a nested block, a relative
 * import to rewrite, `.apply_async` arguments, where to put an import in a file without any).
 * Each finding is computed once (fix_computed).
 *
 * Applicability (as in ruff: SAFE fixes keep behaviour and are applied by `svcscope fix`; UNSAFE
 * ones need --unsafe):
 *   SVC101 create `__init__.py`                       SAFE
 *   SVC103 move a test module into `<service>/tests/`   UNSAFE (a module moves: its name changes)
 *   SVC104 create `tests/__init__.py`                   SAFE
 *   SVC201 import the depth-3 module, qualify the uses  SAFE   (one file, same objects)
 *   SVC202 drop the module hop of a re-exported member  SAFE   (one file, same object)
 *   SVC301 export the exception from the service root   SAFE   (adds an export)
 *   SVC302 import the exceptions by name from the root  SAFE   (one file, same objects)
 *   SVC303 import the exception, use it bare            SAFE   (one file, same object)
 *   SVC402 call the task's `delay_` wrapper instead     UNSAFE (another function runs: the wrapper)
 *   SVC403 rename the task `_name` across the repo      UNSAFE (a rename other code may observe:
 *                                                              strings, mock.patch targets, pickles)
 *   SVC404 add the `delay_` wrapper after the task      SAFE   (adds a function)
 *   SVC405 rename the wrapper `delay_...` across repo   UNSAFE (a rename, as SVC403)
 *   SVC900 remove the unused codes of a `# noqa`        SAFE   (a comment)
 *
 * Contract with the applier (fix_apply.c, stage.c):
 *  - every fix's edits are sorted by path then start and never overlap; several zero-width
 *    inserts at one place are merged into one edit, in the order they were made;
 *  - the edits of a fix refer to the files as they are before its file operations (SVC103 edits
 *    the relative imports of the module it moves, under its old path: edit, then move);
 *  - the same import needed by several fixes in one file is the same edit (same place, same text),
 *    so an applier that applies identical edits once (as ruff does) adds it once;
 *  - a fix that adds a `delay_` wrapper replaces the line ending after the task (a non-empty range),
 *    so the SVC402/SVC403/SVC404 fixes of one task conflict (the applier keeps the first and skips
 *    the others whole) instead of adding two wrappers; SVC402 and SVC404 add the same bytes.
 *
 * Never computed: fixes that would edit a file that is binary, unreadable or already has syntax
 * errors. Decisions for each code are at the top of its family file.
 *
 * A fixer that gives no fix may say why (fx_no_fix): the reason becomes the finding's `no_fix`, so
 * that `svcscope fix` can list what a batch leaves for a person to do, and why (SVC402 says it for
 * every call it leaves: execution options, arguments that are not literals, an import cycle, ...).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/fix.h"
#include "svcscope/rules.h"
#include "fixes_internal.h"

const svc_fix *fx_no_fix(fx_ctx *ctx, const char *fmt, ...)
{
    if (ctx->no_fix) return NULL;
    va_list ap;
    va_start(ap, fmt);
    ctx->no_fix = svc_arena_vprintf(ctx->arena, fmt, ap);
    va_end(ap);
    return NULL;
}

/* Drops a file's text, what fx_name_free learnt of it with it. */
static void drop_text(fx_ctx *ctx, size_t file)
{
    fx_text *t = ctx->texts[file];
    if (t) fx_names_free(t->names);
    fx_text_free(t);
    ctx->texts[file] = NULL;
    ctx->text_state[file] = 0;
}

/* Memory stays bounded: nothing holds a node or a byte of them between two diagnostics. Texts (and
 * what fx_name_free learnt of them) go past 64 MiB, trees past 64 of them; until then a file is
 * read, lexed and parsed at most once per call. */
static void bound_memory(fx_ctx *ctx)
{
    const svc_model *model = ctx->m;
    if (ctx->live_bytes > (64u << 20)) {
        for (size_t k = 0; k < model->nfiles; k++) drop_text(ctx, k);
        ctx->live_trees = ctx->live_bytes = 0;
    } else if (ctx->live_trees > 64) {
        for (size_t k = 0; k < model->nfiles; k++)
            if (ctx->texts[k] && ctx->texts[k]->tree) {
                ts_tree_delete(ctx->texts[k]->tree);
                ctx->texts[k]->tree = NULL;
            }
        ctx->live_trees = 0;
    }
}

void svc_diagnostics_compute_fixes(const svc_model *model, svc_diagnostics *diags)
{
    if (!model || !diags) return;
    size_t first = 0;
    while (first < diags->len && diags->items[first].fix_computed) first++;
    if (first == diags->len) return;
    fx_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.m = model;
    ctx.arena = diags->arena;
    size_t n = model->nfiles ? model->nfiles : 1;
    ctx.texts = svc_xcalloc(n, sizeof *ctx.texts);
    ctx.text_state = svc_xcalloc(n, 1);
    for (size_t i = first; i < diags->len; i++) {
        svc_diagnostic *d = &diags->items[i];
        if (d->fix_computed) continue;
        d->fix_computed = true;
        if (d->fix || !d->rule || !d->rule->fixer) continue;
        bound_memory(&ctx);
        ctx.no_fix = NULL;
        d->fix = d->rule->fixer(&ctx, d);
        if (!d->fix) d->no_fix = ctx.no_fix;
    }
    for (size_t i = 0; i < model->nfiles; i++) drop_text(&ctx, i);
    free(ctx.texts);
    free(ctx.text_state);
    if (ctx.parser) ts_parser_delete(ctx.parser);
    if (ctx.imported) svc_map_free(ctx.imported);
    fx_parts_free(ctx.parts);
}

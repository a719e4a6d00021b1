/*
 * Facts' public entry points: svc_facts_extract (parse, walk, resolve, then copy what was
 * found into the facts' arena), the lookups the rules make on facts, and the parsers other
 * modules make (svc_parser_new).
 */
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "core/facts_internal.h"
#include "core/ts_arena.h"
#include "svcscope/facts.h"
#include "svcscope/util.h"

const struct TSLanguage *svc_python_language(void)
{
    return tree_sitter_python();
}

void svc_tree_sitter_prepare(void)
{
    svc_ts_arena_install();
}

TSParser *svc_parser_new(const struct TSLanguage *language)
{
    svc_ts_arena_install();
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, language);
    return parser;
}

void svc_facts_release_thread_memory(void)
{
    svc_ts_arena_release_thread();
}

/* ---- the result -------------------------------------------------------------------- */

#define ARENA_COPY(ex, vec)                                                                     \
    ((vec).len ? memcpy(svc_arena_alloc((ex)->arena, (vec).len * sizeof *(vec).items), (vec).items, \
                        (vec).len * sizeof *(vec).items)                                      \
               : NULL)

static int compare_noqa(const void *a, const void *b)
{
    const svc_noqa *x = a, *y = b;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* The index of the call that starts at `byte` (calls are in source order), or -1. */
static int call_at_byte(const extractor *ex, uint32_t byte)
{
    if (byte == UINT32_MAX) return -1;
    size_t lo = 0, hi = ex->calls.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ex->calls.items[mid].span.byte < byte) lo = mid + 1;
        else hi = mid;
    }
    /* calls nested at the same start (`f()(x)`): the outermost, the one met first, comes first */
    return lo < ex->calls.len && ex->calls.items[lo].span.byte == byte ? (int)lo : -1;
}

/* Links each assignment whose value is a call to that call. */
static void link_assign_calls(extractor *ex)
{
    for (size_t i = 0; i < ex->assigns.len; i++) {
        int c = call_at_byte(ex, ex->assign_call_byte.items[i]);
        if (c >= 0) ex->assigns.items[i].value_call = c;
    }
    for (size_t i = 0; i < ex->local_assigns.len; i++)
        ex->local_assigns.items[i].value_call = call_at_byte(ex, ex->local_call_byte.items[i]);
}

static void finish(extractor *ex)
{
    svc_facts *f = ex->facts;
    link_assign_calls(ex);
    if (ex->noqa.len > 1) qsort(ex->noqa.items, ex->noqa.len, sizeof *ex->noqa.items, compare_noqa);
    f->imports = ARENA_COPY(ex, ex->imports);
    f->nimports = ex->imports.len;
    f->defs = ARENA_COPY(ex, ex->defs);
    f->ndefs = ex->defs.len;
    f->refs = ARENA_COPY(ex, ex->refs);
    f->nrefs = ex->refs.len;
    f->calls = ARENA_COPY(ex, ex->calls);
    f->ncalls = ex->calls.len;
    f->assigns = ARENA_COPY(ex, ex->assigns);
    f->nassigns = ex->assigns.len;
    f->all = ARENA_COPY(ex, ex->all);
    f->nall = ex->all.len;
    f->class_apps = ARENA_COPY(ex, ex->class_apps);
    f->nclass_apps = ex->class_apps.len;
    f->noqa = ARENA_COPY(ex, ex->noqa);
    f->nnoqa = ex->noqa.len;
    f->errors = ARENA_COPY(ex, ex->errors);
    f->nerrors = ex->errors.len;
    f->schedule = ARENA_COPY(ex, ex->schedule);
    f->nschedule = ex->schedule.len;
    f->with_items = ARENA_COPY(ex, ex->with_items);
    f->nwith_items = ex->with_items.len;
    f->local_assigns = ARENA_COPY(ex, ex->local_assigns);
    f->nlocal_assigns = ex->local_assigns.len;
    f->celery_imports = ARENA_COPY(ex, ex->celery_imports);
    f->ncelery_imports = ex->celery_imports.len;
}

static void free_extractor(extractor *ex)
{
    free(ex->line_start);
    free(ex->line_ascii);
    free(ex->slots);
    svc_vec_free(&ex->imports);
    svc_vec_free(&ex->defs);
    svc_vec_free(&ex->def_scope);
    svc_vec_free(&ex->refs);
    svc_vec_free(&ex->ref_scope);
    svc_vec_free(&ex->calls);
    svc_vec_free(&ex->assigns);
    svc_vec_free(&ex->assign_has_chain);
    svc_vec_free(&ex->assign_call_byte);
    svc_vec_free(&ex->all);
    svc_vec_free(&ex->class_apps);
    svc_vec_free(&ex->noqa);
    svc_vec_free(&ex->errors);
    svc_vec_free(&ex->schedule);
    svc_vec_free(&ex->with_items);
    svc_vec_free(&ex->local_assigns);
    svc_vec_free(&ex->local_call_byte);
    svc_vec_free(&ex->celery_imports);
    svc_vec_free(&ex->scopes);
    svc_vec_free(&ex->bindings);
    svc_vec_free(&ex->links);
    svc_vec_free(&ex->parts);
    svc_vec_free(&ex->tmp_args);
    svc_vec_free(&ex->tmp_params);
    svc_vec_free(&ex->tmp_strings);
    svc_vec_free(&ex->tmp_codes);
    node_vec *vecs[] = { &ex->v_args,  &ex->v_def,    &ex->v_imports, &ex->v_targets, &ex->v_pair_t,
                         &ex->v_pair_v, &ex->v_stack, &ex->v_items, &ex->v_spine, &ex->v_string,
                         &ex->v_concat, &ex->v_dotted, &ex->v_schedule };
    for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) svc_vec_free(vecs[i]);
    svc_buf_free(&ex->strbuf);
}

/* ---- entry points ------------------------------------------------------------------ */

#define BINARY_PROBE 8000

svc_facts *svc_facts_extract(const char *path, const char *module, bool is_package, const char *bytes, size_t len)
{
    svc_arena *arena = svc_arena_new();
    svc_facts *facts = svc_arena_alloc(arena, sizeof *facts);
    facts->arena = arena;
    facts->path = path ? svc_arena_strdup(arena, path) : NULL;
    facts->module = module ? svc_arena_strdup(arena, module) : NULL;
    facts->is_package = is_package;
    if (!bytes) len = 0;

    /* line count and first line ending, whatever the content */
    size_t newlines = 0;
    bool seen_newline = false;
    for (size_t i = 0; i < len; i++) {
        if (bytes[i] != '\n') continue;
        if (!seen_newline) facts->crlf = i > 0 && bytes[i - 1] == '\r';
        seen_newline = true;
        newlines++;
    }
    facts->has_bom = len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0;
    size_t base = facts->has_bom ? 3 : 0;
    facts->lines = (uint32_t)(newlines + (len > base && bytes[len - 1] != '\n'));

    size_t probe = len < BINARY_PROBE ? len : BINARY_PROBE;
    if ((probe && memchr(bytes, '\0', probe)) || len >= UINT32_MAX) {
        facts->binary = true;
        return facts;
    }

    extractor ex = { 0 };
    ex.arena = arena;
    ex.facts = facts;
    ex.bytes = bytes ? bytes : "";
    ex.len = len;
    ex.base = (uint32_t)base;
    ex.src = ex.bytes + base;
    ex.src_len = (uint32_t)(len - base);
    ex.text_budget = 8 * len + (1u << 20);
    facts_new_scope(&ex, S_MODULE, -1, -1);

    svc_ts_arena_begin();
    TSParser *parser = ts_parser_new();
    if (ts_parser_set_language(parser, tree_sitter_python())) {
        TSTree *tree = facts_parse(parser, ex.src, ex.src_len);
        if (tree) {
            facts_walk(&ex, ts_tree_root_node(tree));
            ts_tree_delete(tree);
        }
    }
    ts_parser_delete(parser);
    svc_ts_arena_end();

    facts_resolve_all(&ex);
    finish(&ex);
    free_extractor(&ex);
    return facts;
}

void svc_facts_free(svc_facts *facts)
{
    if (facts) svc_arena_free(facts->arena);
}

const svc_noqa *svc_facts_noqa_at(const svc_facts *facts, uint32_t row)
{
    if (!facts) return NULL;
    size_t lo = 0, hi = facts->nnoqa;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (facts->noqa[mid].row < row) lo = mid + 1;
        else hi = mid;
    }
    return lo < facts->nnoqa && facts->noqa[lo].row == row ? &facts->noqa[lo] : NULL;
}

int svc_facts_outermost_function(const svc_facts *facts, int scope)
{
    int found = -1;
    for (; scope >= 0; scope = facts->defs[scope].parent)
        if (facts->defs[scope].kind == SVC_DEF_FUNCTION) found = scope;
    return found;
}

int svc_facts_def_at(const svc_facts *facts, uint32_t byte)
{
    if (!facts || !facts->ndefs) return -1;
    /* defs are in pre-order, so start bytes ascend: the last one starting at or before
     * `byte` is the innermost candidate; if it ends too early, one of its parents holds it */
    size_t lo = 0, hi = facts->ndefs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (facts->defs[mid].span.byte <= byte) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return -1;
    int d = (int)lo - 1;
    while (d >= 0 && !(facts->defs[d].span.byte <= byte && byte < facts->defs[d].span.end_byte))
        d = facts->defs[d].parent;
    return d;
}

bool svc_facts_given_to_mock(const svc_facts *facts, const svc_ref *ref)
{
    static const char *const mock_keywords[] = { "wraps", "side_effect", "new", "return_value", "spec", "autospec", NULL };
    for (size_t c = 0; c < facts->ncalls; c++)
        for (size_t a = 0; a < facts->calls[c].nargs; a++) {
            const svc_arg *arg = &facts->calls[c].args[a];
            if (!arg->keyword || arg->span.byte > ref->span.byte || arg->span.end_byte < ref->span.end_byte) continue;
            for (size_t k = 0; mock_keywords[k]; k++)
                if (strcmp(arg->keyword, mock_keywords[k]) == 0) return true;
        }
    return false;
}

/*
 * What the parts of facts extraction share; not a public interface.
 *
 * svc_facts_extract (facts_extract.c) parses a file (facts_parse.c), walks its tree once
 * (facts.c) recording defs, imports, refs, calls and, per scope, the names each binds, then
 * resolves the refs against those bindings (facts_resolve.c) and copies the result into the
 * facts' arena. All of it works on one `extractor`, the state of one file's extraction.
 */
#ifndef SVCSCOPE_FACTS_INTERNAL_H
#define SVCSCOPE_FACTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "svcscope/facts.h"
#include "svcscope/util.h"

const TSLanguage *tree_sitter_python(void);

/* ---- extraction state ----------------------------------------------------------- */

enum scope_kind { S_MODULE, S_FUNCTION, S_CLASS, S_LAMBDA, S_COMPREHENSION };

typedef struct scope_rec {
    int parent;   /* lexical parent scope, -1 for the module */
    uint8_t kind;
    int def;      /* innermost def index (what facts call `scope`), -1 at module level */
} scope_rec;

/* Binding kinds in priority order: a higher one replaces a lower one for the same name. */
enum binding_kind { B_ASSIGN = 1, B_IMPORT, B_DEF, B_NONLOCAL, B_GLOBAL };

typedef struct binding {
    const char *name; /* into the source or the arena */
    uint32_t len;
    uint32_t hash;
    int scope;
    uint8_t kind;
    int import_index;
} binding;

/* What a ref, once resolved, fills in besides itself. */
enum link_kind { T_NONE, T_ARG, T_BASE, T_DECORATOR };

typedef struct link {
    uint8_t kind;
    void *target;
    size_t ref;
} link;

typedef struct part {
    uint32_t start, end; /* byte offsets in the parse buffer */
} part;

typedef SVC_VEC(TSNode) node_vec;
typedef SVC_VEC(const char *) str_vec;

typedef struct extractor {
    svc_arena *arena;
    svc_facts *facts;
    const char *bytes; /* the original bytes */
    size_t len;
    const char *src;   /* the parse buffer: bytes after a BOM */
    uint32_t src_len;
    uint32_t base;     /* bytes skipped before src */
    size_t text_budget;

    /* line table over the original bytes */
    uint32_t *line_start;
    uint8_t *line_ascii;
    uint32_t nline;
    uint32_t memo_row, memo_byte, memo_col;
    bool memo_valid;

    TSTreeCursor gather_cursor;

    SVC_VEC(svc_import) imports;
    SVC_VEC(svc_def) defs;
    SVC_VEC(int) def_scope;
    SVC_VEC(svc_ref) refs;
    SVC_VEC(int) ref_scope;
    SVC_VEC(svc_call) calls;
    SVC_VEC(svc_assign) assigns;
    SVC_VEC(uint8_t) assign_has_chain;
    SVC_VEC(uint32_t) assign_call_byte; /* start byte of the value when it is a call, else UINT32_MAX */
    str_vec all;
    str_vec class_apps;
    SVC_VEC(svc_noqa) noqa;
    SVC_VEC(svc_span) errors;
    SVC_VEC(svc_schedule_entry) schedule;
    SVC_VEC(svc_with_item) with_items;
    SVC_VEC(svc_local_assign) local_assigns;
    SVC_VEC(uint32_t) local_call_byte; /* start byte of each local assignment's call, else UINT32_MAX */
    str_vec celery_imports;
    SVC_VEC(scope_rec) scopes;
    SVC_VEC(binding) bindings;
    int32_t *slots;
    size_t nslots;
    SVC_VEC(link) links;

    /* scratch, each with one user at a time */
    SVC_VEC(part) parts;
    SVC_VEC(svc_arg) tmp_args;
    SVC_VEC(svc_param) tmp_params;
    str_vec tmp_strings;
    str_vec tmp_codes;
    node_vec v_args, v_def, v_imports, v_targets, v_pair_t, v_pair_v, v_stack, v_items, v_spine, v_string,
        v_concat, v_dotted, v_schedule;
    svc_buf strbuf;
} extractor;

/* ---- the walk (facts.c) ------------------------------------------------------------ */

/* Walks the tree of ex->src from `root`, recording what the file says into `ex`; the module
 * scope (0) must exist. Refs are left unresolved. */
void facts_walk(extractor *ex, TSNode root);

/* ---- scopes, bindings and resolution (facts_resolve.c) --------------------------- */

/* A new scope inside `parent` (-1 for the module), within def `def` (-1 at module level). */
int facts_new_scope(extractor *ex, enum scope_kind kind, int parent, int def);
/* The innermost def of a scope: what facts call a `scope`. */
int facts_scope_def(const extractor *ex, int scope);
/* Where a walrus target binds: the nearest scope that is not a comprehension. */
int facts_assignment_scope(const extractor *ex, int scope);
/* Records that `scope` binds name[0..len) (kept, not copied); a higher kind replaces a lower one. */
void facts_bind(extractor *ex, int scope, const char *name, uint32_t len, enum binding_kind kind, int import_index);
/* a, sep and b joined, in the facts' arena. */
const char *facts_concat3(extractor *ex, const char *a, const char *sep, const char *b);
/* Once the walk is done: resolves every ref and assigned chain, and fills in what the refs link to. */
void facts_resolve_all(extractor *ex);

/* ---- parsing (facts_parse.c) ---------------------------------------------------- */

/* The tree of src[0..len) (the parser has the Python language), or NULL. */
TSTree *facts_parse(TSParser *parser, const char *src, uint32_t len);

#endif

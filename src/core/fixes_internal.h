/*
 * Shared machinery of the fix computers (fixes_*.c); not a public interface.
 *
 * A fix computer (a fixer, named by the rule catalogue: fixers.h) gets the checker's model and one
 * diagnostic, reads the bytes of the files it needs (through the model's source, once per file),
 * and builds an fx_fix: byte-range edits and file operations that are checked (sorted, not
 * overlapping) and copied into the diagnostics' arena by fx_finish. Anything it cannot do
 * correctly makes it give up (fx_fail): no fix is better than a wrong one.
 *
 * The layers, each using only those above it: texts (fixes_text.c), building a fix
 * (fixes_build.c), names and facts (fixes_lookup.c, service_names.c), free names (fixes_names.c),
 * statements (fixes_statements.c), references and renames (fixes_refs.c); then the fixers, and the
 * dispatch (fixes.c) that owns the context below.
 */
#ifndef SVCSCOPE_FIXES_INTERNAL_H
#define SVCSCOPE_FIXES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "svcscope/diagnostic.h"
#include "svcscope/model.h"
#include "svcscope/util.h"
#include "fixers.h"
#include "service_names.h"

struct fx_names;
struct fx_parts;

/* One file's bytes, read once per svc_diagnostics_compute_fixes. */
typedef struct fx_text {
    const char *bytes;
    uint32_t len;
    uint32_t base;           /* 3 when the file starts with a UTF-8 BOM: nothing is ever edited before it */
    const char *nl;          /* "\r\n" when the file's first line ends so, else "\n" */
    uint32_t *line_starts;   /* byte where each line starts (line 0 starts at base) */
    uint32_t nlines;
    TSTree *tree;            /* parsed on demand by fx_root, at most once while the text is held */
    struct fx_names *names;  /* what fx_name_free learnt about the file (fixes_names.c), or NULL;
                                dropped with the text by its owner (fixes.c) */
} fx_text;

/* What the fixers share while svc_diagnostics_compute_fixes runs (fixes.c owns it). */
struct svc_fix_ctx {
    const svc_model *m;
    svc_arena *arena;        /* diags->arena: where fixes live */
    fx_text **texts;         /* per model file; NULL until read */
    unsigned char *text_state; /* per model file: 0 not read, 1 ok, 2 unusable */
    TSParser *parser;
    struct fx_parts *parts;  /* identifier -> every ref with that identifier in its chain (fixes_refs.c) */
    svc_map *imported;       /* "m.n" imported by name somewhere, "*m" star-imported somewhere */
    size_t live_trees;       /* parsed trees held, and bytes of texts held: dropped between */
    size_t live_bytes;       /* diagnostics when they grow large */
    size_t name_walks;       /* fx_name_free questions the facts and the tokens could not answer */
    const char *no_fix;      /* why the running fixer gives no fix (fx_no_fix), in the arena, or NULL */
};

typedef struct fx_fix {
    fx_ctx *ctx;
    SVC_VEC(svc_edit) edits;
    SVC_VEC(svc_file_op) ops;
    bool failed;
} fx_fix;

/* ---- texts (fixes_text.c) ------------------------------------------------------------ */

/* The bytes of a model file, or NULL when it cannot be read, is binary or does not parse
 * cleanly (a fix is never computed against a file that already has syntax errors). */
const fx_text *fx_text_of(fx_ctx *ctx, size_t file);
/* Frees a text, its tree included (not t->names: fx_names_free). */
void fx_text_free(fx_text *t);
/* The syntax tree of a file read by fx_text_of (node bytes are relative to t->base). */
TSNode fx_root(fx_ctx *ctx, size_t file);
/* The node spanning exactly [start, end) (file bytes), preferring the outermost; null node when none. */
TSNode fx_node_exact(fx_ctx *ctx, size_t file, uint32_t start, uint32_t end);
uint32_t fx_node_start(const fx_text *t, TSNode n);
uint32_t fx_node_end(const fx_text *t, TSNode n);
/* The node's source text, malloc'd. */
char *fx_node_text(const fx_text *t, TSNode n);

/* The line (0-based) holding `pos`, and where it starts. */
uint32_t fx_line_of(const fx_text *t, uint32_t pos);
uint32_t fx_line_start(const fx_text *t, uint32_t pos);
/* Where the line holding `pos` ends: the byte of its '\r\n'/'\n', or len. */
uint32_t fx_line_end(const fx_text *t, uint32_t pos);
/* The start of the next line (after the line ending), or len. */
uint32_t fx_next_line(const fx_text *t, uint32_t pos);
/* Leading whitespace of the line holding `pos`, malloc'd. */
char *fx_line_indent(const fx_text *t, uint32_t pos);
/* True when only spaces/tabs stand between the line's start and `pos`. */
bool fx_only_space_before(const fx_text *t, uint32_t pos);
/* True when only spaces/tabs and maybe a comment stand between `pos` and the line's end. */
bool fx_only_space_after(const fx_text *t, uint32_t pos);
/* Where a comment starts when only blanks lie between `pos` and it on the line, else 0: fixes keep
 * every comment. */
uint32_t fx_comment_after(const fx_text *t, uint32_t pos);
bool fx_is_identifier(const char *s);

/* Byte ranges of the identifiers of a name/attribute chain written at [start, end)
 * (whitespace, continuations and comments between parts allowed). Returns the count,
 * 0 when the text is not a plain chain or has more than `max` parts. */
size_t fx_chain_parts(const fx_text *t, uint32_t start, uint32_t end, uint32_t (*out)[2], size_t max);

/* ---- building a fix (fixes_build.c) ---------------------------------------------------- */

void fx_init(fx_fix *fix, fx_ctx *ctx);
/* Replace [start, end) of model file `file` by `text` (copied). */
void fx_edit(fx_fix *fix, size_t file, uint32_t start, uint32_t end, const char *text);
void fx_create(fx_fix *fix, const char *path, const char *content);
void fx_move(fx_fix *fix, const char *from, const char *to);
void fx_fail(fx_fix *fix);
/* Sorts and checks the edits, copies everything into the arena; NULL (and everything freed)
 * when the fix failed, is empty, or its edits overlap. */
const svc_fix *fx_finish(fx_fix *fix, svc_applicability applicability, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Says why the running fixer gives no fix for its finding (kept as the diagnostic's `no_fix` when
 * it returns none; the first reason given wins). Returns NULL, for `return fx_no_fix(...)`. */
const svc_fix *fx_no_fix(fx_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- names and facts (fixes_lookup.c; service depth and prefix: service_names.h) -------------- */

/* Resolution through the model, with a fallback to the name itself when the repo does not define it. */
const char *fx_resolve(const svc_model *m, const char *dotted);
/* The reference a finding is about: the one whose span is the finding's, or NULL. */
const svc_ref *fx_ref_of(const svc_facts *facts, const svc_diagnostic *d);
/* True when a and b name the same thing of the repo (both resolve, to the same). */
bool fx_same(const svc_model *m, const char *a, const char *b);
size_t fx_dotted_count(const char *dotted);
/* Part `i` of a dotted name (malloc'd). */
char *fx_dotted_part(const char *dotted, size_t i);
/* The import of a file whose imported-name span is exactly `span`, or -1. */
long fx_import_at(const svc_facts *facts, svc_span span);

/* ---- free names (fixes_names.c) ------------------------------------------------------------ */

/*
 * True when binding `name` in the file to `expected` (a dotted name, resolved through the model;
 * NULL when nothing may already use the name) changes the meaning of nothing: every identifier
 * `name` in the file (attribute names and keyword-argument names aside) is a reference through an
 * import that resolves to `expected`, and every import binding `name` does. Conservative: a
 * parameter, local, class, global or unknown use of the name makes it false.
 *
 * Answered from the facts (references, imports, call arguments, defs) and one lexical pass over
 * the file's bytes (fixes_names.c); the syntax tree is walked only for what those cannot tell
 * (ctx->name_walks counts those questions). fx_name_free_tree is that walk alone: the reference
 * answer, which fx_name_free always equals.
 */
bool fx_name_free(fx_ctx *ctx, size_t file, const char *name, const char *expected);
bool fx_name_free_tree(fx_ctx *ctx, size_t file, const char *name, const char *expected);
/* Frees what fx_name_free keeps about a file (with the file's text). */
void fx_names_free(struct fx_names *names);
/* The name a module-level import of the file binds to `dotted` (resolved alike), or NULL. */
const char *fx_existing_binding(fx_ctx *ctx, size_t file, const char *dotted);

/* ---- imports and statements (fixes_statements.c) ------------------------------------------- */

/*
 * Adds the import statement `stmt` (no line ending) at module level: after the last top-level
 * import written at column 0 that starts before `limit` (UINT32_MAX when the new name is only
 * used inside functions), else before the first statement that is not the docstring. Every fix
 * that needs the same import in a file with the same limit produces the same edit.
 */
void fx_add_import(fx_fix *fix, size_t file, const char *stmt, uint32_t limit);
/* Makes `name` of module `module` (absolute) importable at module level: appended to the first
 * `from <module> import ...` statement written at column 0 before `limit`, else a new statement
 * `from <spelling> import <name>` added by fx_add_import. */
void fx_import_name(fx_fix *fix, size_t file, const char *module, const char *spelling, const char *name,
                    uint32_t limit);
/* Removes import `imp` of the file: the name from its statement, or the whole statement when it is
 * the only one (`pass` when it was alone in its block). */
void fx_remove_import(fx_fix *fix, size_t file, size_t imp);
/* Removes a whole statement at [start, end): its lines when it has them alone, else the statement
 * and its `;`; `pass` takes its place when it is the only statement of its block. */
void fx_delete_statement(fx_fix *fix, size_t file, uint32_t start, uint32_t end);
/* Adds `"name"` to the file's module-level __all__ list/tuple literal (last one); false when none. */
bool fx_all_append(fx_fix *fix, size_t file, const char *name);
/* Replaces `old` by `new` in the string items of the file's __all__ literals; returns how many. */
size_t fx_all_rename(fx_fix *fix, size_t file, const char *old_name, const char *new_name);

/* ---- references across the repository and renames (fixes_refs.c) ---------------------------- */

/* True when `name` is in the file's __all__, or another file imports it from this module. */
bool fx_name_exported(fx_ctx *ctx, size_t file, const char *name);

/*
 * Renames the top-level def (file, def) to `new_name` across the repository: the def, the module's
 * own references, every reference that reaches it through a module chain, every `from m import old`
 * (with its uses in that file, or `new as old` when the file already uses the new name), re-exports
 * and __all__ entries. Fails the fix when the module already uses `new_name`.
 */
void fx_rename_def(fx_fix *fix, size_t file, size_t def, const char *new_name);

/* Frees the index of references by their parts (ctx->parts). */
void fx_parts_free(struct fx_parts *parts);

/* Adds `name="<name>"` to the decorator that makes `task` a task (fixes_tasks.c): 1 when added, 0
 * when it already passes a `name=`, -1 when it passes `**options` or no decorator made it. */
int fx_name_task(fx_fix *fix, const svc_model *m, const svc_task *task, const char *name);

#endif

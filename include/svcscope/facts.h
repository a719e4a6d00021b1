/*
 * Facts: what one Python file says, taken from tree-sitter-python and then the
 * tree is dropped. A pure function of (path, module name, bytes), so it can run
 * on any thread and be cached by content. Rules and the model read facts only.
 *
 * Conventions:
 *  - rows and columns are 0-based here (presenters add 1); `col` counts code
 *    points from the start of the line, `byte` offsets index the original bytes
 *    (a UTF-8 BOM, when present, is byte 0..2 and is not part of any node);
 *  - dotted names are resolved: `import x as y`, `from . import z`, relative
 *    imports and chains through imported modules all become absolute names;
 *  - every string is owned by the facts' arena and lives as long as the facts.
 */
#ifndef SVCSCOPE_FACTS_H
#define SVCSCOPE_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct svc_span {
    uint32_t row, col;         /* start, 0-based; col in code points */
    uint32_t end_row, end_col; /* end (exclusive column) */
    uint32_t byte, end_byte;   /* byte range in the file's bytes */
} svc_span;

typedef enum svc_import_kind {
    SVC_IMPORT_MODULE, /* import a.b.c [as x] */
    SVC_IMPORT_FROM,   /* from m import n [as x] */
    SVC_IMPORT_STAR,   /* from m import * */
} svc_import_kind;

typedef struct svc_import {
    svc_import_kind kind;
    const char *module;  /* absolute module: "a.b.c", or for `from ..x import y` the resolved "pkg.x" */
    const char *name;    /* FROM: the imported name ("y"); NULL otherwise */
    const char *alias;   /* `as` name, or NULL */
    const char *bound;   /* the local name it binds: alias, name, or "a" for `import a.b.c` */
    const char *target;  /* absolute dotted name `bound` refers to: "a" for `import a.b.c`,
                            "a.b.c" for `import a.b.c as x`, "m.n" for `from m import n` */
    int level;           /* leading dots of a relative import; 0 when absolute */
    bool unresolved;     /* relative import climbs above the top package; module is then the raw text */
    int scope;           /* enclosing def index, or -1 at module level */
    svc_span span;       /* the imported name as written (dotted_name or aliased_import) */
    svc_span stmt_span;  /* the whole import statement */
    uint32_t stmt_names; /* how many names the statement imports (fixes need to know if it is alone) */
} svc_import;

typedef struct svc_arg {
    const char *keyword; /* NULL for a positional argument; "*" / "**" for unpacking */
    const char *text;    /* source text of the value */
    const char *chain;   /* resolved dotted name when the value is a plain name/attribute chain, else NULL */
    svc_span span;       /* the whole argument (keyword included) */
} svc_arg;

typedef struct svc_decorator {
    const char *raw;     /* callee as written, "app.task" / "shared_task" */
    const char *callee;  /* resolved dotted callee ("celery.shared_task", "proj.celery.app.task");
                            when the head is not bound by an import or module def, the raw text */
    bool is_call;        /* @x(...) rather than @x */
    const svc_arg *args; /* only when is_call */
    size_t nargs;
    svc_span span;       /* the decorator expression (after '@') */
    svc_span args_span;  /* the argument list, parentheses included (is_call only) */
} svc_decorator;

typedef enum svc_param_kind {
    SVC_PARAM_NORMAL,     /* positional-or-keyword */
    SVC_PARAM_POSONLY,    /* before a `/` */
    SVC_PARAM_KWONLY,     /* after `*` or `*args` */
    SVC_PARAM_VARARGS,    /* *args */
    SVC_PARAM_KWARGS,     /* **kwargs */
} svc_param_kind;

typedef struct svc_param {
    const char *name;
    svc_param_kind kind;
    const char *default_text; /* NULL when no default */
    const char *annotation;   /* NULL when none */
} svc_param;

typedef enum svc_def_kind { SVC_DEF_FUNCTION, SVC_DEF_CLASS } svc_def_kind;

typedef struct svc_def {
    svc_def_kind kind;
    const char *name;
    const char *qualname;        /* dotted within the module: "Invoice.total", "outer.inner" */
    int parent;                  /* enclosing def index, -1 at module level */
    bool is_async;
    const svc_decorator *decorators;
    size_t ndecorators;
    const char *const *bases;    /* classes: resolved dotted bases (raw text when unresolvable) */
    size_t nbases;
    const svc_param *params;     /* functions */
    size_t nparams;
    uint32_t body_statements;    /* statements in the body, docstring not counted */
    bool has_docstring;
    bool has_loop;               /* a for/while statement anywhere in the body (nested defs excluded) */
    bool meta_abstract;          /* classes: a `class Meta` of the body sets `abstract = True` (a Django
                                    abstract model, which makes no table and no app) */
    const char *name_value;      /* classes: the string literal a `name = "..."` of the body assigns
                                    (an AppConfig's app module), or NULL */
    bool body_is_call;           /* the body, docstring aside, is one statement: a call or `return` of one */
    svc_span span;               /* the whole definition, decorators included */
    svc_span name_span;          /* the name after def/class */
    svc_span body_span;          /* the block */
    uint32_t indent;             /* column of the `def`/`class`/first decorator (bytes of leading whitespace) */
} svc_def;

/* Where a reference stands; flags may combine. */
enum {
    SVC_REF_CALLED = 1u << 0,     /* the callee of a call: x.y(...) */
    SVC_REF_RAISE = 1u << 1,      /* in a raise statement: raise X / raise X(...) */
    SVC_REF_EXCEPT = 1u << 2,     /* in an except clause's type (tuple members too) */
    SVC_REF_ISINSTANCE = 1u << 3, /* second argument of isinstance/issubclass (tuple members too) */
    SVC_REF_ARGUMENT = 1u << 4,   /* passed as a call argument value: on_commit(delay_x) */
    SVC_REF_DECORATOR = 1u << 5,  /* a decorator callee */
    SVC_REF_BASE = 1u << 6,       /* a class base */
    SVC_REF_STORE = 1u << 7,      /* the target of an assignment (x.y = ...) */
};

typedef enum svc_binding {
    SVC_BIND_IMPORT,   /* head bound by an import (import_index says which) */
    SVC_BIND_MODULE,   /* head bound by a module-level def, class or assignment of this file */
    SVC_BIND_LOCAL,    /* head is a local of an enclosing function (parameter, assignment, ...) */
    SVC_BIND_UNKNOWN,  /* builtin or undefined */
} svc_binding;

/* A maximal name or attribute chain in load position: `a`, `a.b.c` (never `f().x`). */
typedef struct svc_ref {
    const char *raw;       /* as written, whitespace removed: "google_calendar.credentials.get_credentials" */
    const char *resolved;  /* absolute dotted name, or NULL when head is LOCAL or UNKNOWN */
    svc_binding binding;
    int import_index;      /* SVC_BIND_IMPORT: index into imports; else -1 */
    int scope;             /* enclosing def index, -1 at module level */
    unsigned flags;        /* SVC_REF_* */
    svc_span span;         /* the whole chain */
    svc_span head_span;    /* the first identifier */
} svc_ref;

/* A call expression. */
typedef struct svc_call {
    int ref;               /* callee when it is a plain chain (index into refs), else -1 */
    const char *attr;      /* the last name of the callee: "delay" for anything(...).delay(...) */
    const char *callee_text; /* callee source text (truncated to 200 bytes) */
    int scope;             /* enclosing def index, -1 at module level */
    const svc_arg *args;
    size_t nargs;
    svc_span span;         /* the whole call */
    svc_span callee_span;
    svc_span args_span;    /* the argument list, parentheses included */
} svc_call;

/* A module-level assignment `name = value` (also `name: T = value`). */
typedef struct svc_assign {
    const char *name;
    const char *value_chain; /* resolved dotted when the value is a plain chain (an alias), else NULL */
    const char *const *strings; /* string items when the value is a list/tuple of string literals
                                   (INSTALLED_APPS, __all__); `x += [...]` is recorded as another assign */
    size_t nstrings;
    svc_span span;
    int value_call;          /* index into calls when the value is a call (`retrying = shared_task(bind=True)`,
                                `purge_task = app.task(purge)`), else -1 */
} svc_assign;

typedef struct svc_noqa {
    uint32_t row;          /* 0-based line the comment is on */
    bool all;              /* bare `# noqa` */
    const char *const *codes; /* codes as written after `noqa:` (any linter's), upper-cased */
    size_t ncodes;
    svc_span span;         /* the directive, from its `#` to the end of its last code (of `noqa` when
                              bare); several directives in one comment: from the first to the last */
} svc_noqa;

/*
 * An entry of a Celery beat schedule written as a literal: the values of `CELERY_BEAT_SCHEDULE =
 * {...}` (any name ending in `BEAT_SCHEDULE`), `app.conf.beat_schedule = {...}`,
 * `app.conf["beat_schedule"] = {...}`, `app.conf.update(beat_schedule={...})`,
 * `CELERY_BEAT_SCHEDULE["name"] = {...}` and `CELERY_BEAT_SCHEDULE.update({...})`, in any scope
 * (a settings class, an `on_after_configure` handler), each entry a dict literal or `dict(...)`
 * with a "task" key. (`add_periodic_task` calls are calls: the model reads them from `calls`.)
 */
typedef struct svc_schedule_entry {
    const char *name;      /* the entry's key when it is a string literal, else NULL */
    const char *task;      /* the "task" value when it is a string literal, else NULL */
    const char *task_text; /* the "task" value as written (truncated to 200 bytes) */
    int scope;             /* enclosing def index, -1 at module level */
    svc_span span;         /* the "task" value */
} svc_schedule_entry;

/*
 * One context manager of a `with` statement (each of `with a(), b():` is one), for rules that ask
 * what runs inside it (`with transaction.atomic():`). The body runs inside it at run time, except
 * for defs and classes nested in it: what they hold runs when called.
 */
typedef struct svc_with_item {
    int scope;             /* enclosing def index, -1 at module level */
    svc_span value;        /* the context expression, without its `as` target */
    svc_span body;         /* the with statement's block */
} svc_with_item;

/*
 * A name a function binds by a plain assignment (`x = v`, `x, y = v`, `x = v[0]`), for rules that
 * follow a value within the function: SVC604 asks which names hold a model instance.
 */
typedef struct svc_local_assign {
    int scope;             /* the function's def index */
    const char *name;
    const char *value_text; /* the value as written, cut to 100 bytes */
    int value_call;        /* index into calls of the call the name gets (or gets the first item of), or -1 */
    bool first_item;       /* the name gets the value's first item: `x = v[0]`, `x, y = v` */
    svc_span span;         /* the name */
} svc_local_assign;

typedef struct svc_facts {
    const char *path;
    const char *module;        /* dotted module name given at extraction, may be NULL */
    bool is_package;           /* an __init__.py */
    bool has_bom;
    bool crlf;                 /* first line ending is \r\n */
    bool binary;               /* NUL bytes: not parsed, no facts */
    uint32_t lines;

    const svc_import *imports; size_t nimports;
    const svc_def *defs;       size_t ndefs;      /* in source order; parents precede children */
    const svc_ref *refs;       size_t nrefs;      /* in source order */
    const svc_call *calls;     size_t ncalls;     /* in source order */
    const svc_assign *assigns; size_t nassigns;
    const char *const *all;    size_t nall;       /* string items of a module-level __all__ list/tuple */
    bool has_all;
    const char *const *class_apps; size_t nclass_apps; /* string items of lists a class body assigns
                                  to a name ending in `APPS`, or a method so named returns (a
                                  settings class, as django-configurations writes them) */
    const svc_noqa *noqa;      size_t nnoqa;      /* sorted by row */
    const svc_span *errors;    size_t nerrors;    /* where parsing failed (ERROR/MISSING nodes) */
    const svc_schedule_entry *schedule; size_t nschedule; /* beat schedule entries, in source order */
    const svc_with_item *with_items; size_t nwith_items;  /* in source order */
    const svc_local_assign *local_assigns; size_t nlocal_assigns; /* in source order */
    const char *const *celery_imports; size_t ncelery_imports; /* modules a Celery app imports by name:
                                  string items of list/tuple values set as `imports`/`include`
                                  (`app.conf.imports = ...`, `Celery(..., include=[...])`,
                                  `app.conf.update(imports=...)`) or under a name ending in
                                  `IMPORTS`/`INCLUDE` (CELERY_IMPORTS), in any scope */

    struct svc_arena *arena;
} svc_facts;

/*
 * Extracts facts. `module` is the file's dotted module name ("services.billing.invoices";
 * for an __init__.py, the package name) or NULL when the file is not importable;
 * relative imports resolve against it. Never fails: unparsable parts become `errors`.
 */
svc_facts *svc_facts_extract(const char *path, const char *module, bool is_package,
                             const char *bytes, size_t len);
void svc_facts_free(svc_facts *facts);

/* The noqa entry for a 0-based row, or NULL. */
const svc_noqa *svc_facts_noqa_at(const svc_facts *facts, uint32_t row);
/* Innermost def index containing the byte offset, or -1. */
int svc_facts_def_at(const svc_facts *facts, uint32_t byte);
/* The outermost function around def `scope` (a method counts: its class is not a function), or
 * -1 (at module level, or in a class body outside any method). */
int svc_facts_outermost_function(const svc_facts *facts, int scope);
/* True when the ref is (inside) the value of a mock's keyword argument: `patch.object(t,
 * "apply_async", wraps=t.apply_async)`, `side_effect=`, `new=`...: a test double, not a use. */
bool svc_facts_given_to_mock(const svc_facts *facts, const svc_ref *ref);
/* The tree-sitter Python language (for the TUI's highlighter and for fixes that re-parse). */
const struct TSLanguage *svc_python_language(void);
/* A tree-sitter parser for `language`, whose trees are ordinary heap memory; free it with
 * ts_parser_delete. Make parsers with it rather than ts_parser_new: it installs the process's
 * tree-sitter allocator first (src/core/ts_arena.c). If the language cannot be set (a grammar of
 * another ABI), the parser parses nothing. */
struct TSParser *svc_parser_new(const struct TSLanguage *language);
/* Installs that allocator (once per process): call it before any other first tree-sitter call
 * (ts_query_new, say) that may run while another thread extracts facts. */
void svc_tree_sitter_prepare(void);
/* Frees what extraction keeps on the calling thread for the next file (threads that end free
 * theirs by themselves). */
void svc_facts_release_thread_memory(void);

#endif

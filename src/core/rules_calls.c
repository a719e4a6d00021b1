/*
 * What the rules read off a call beyond its facts: the object a method is called on, the callee
 * on one line for messages, and whether the call writes through the Django ORM (SVC407 in
 * rules_tasks.c and SVC501 in rules_logic.c share that notion; the decisions are at the top of
 * rules_tasks.c).
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "rules_internal.h"

/* The callee text without trailing whitespace: how long. */
static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    return n;
}

/*
 * For `<object>.<attr>(...)`: the object as text ("_send.delay" -> "_send"), or NULL when the
 * callee is not an attribute (a bare `delay(...)`). Allocated with malloc.
 */
char *svc_callee_object(const svc_facts *facts, const svc_call *call)
{
    const char *text = call->ref >= 0 ? facts->refs[call->ref].raw : call->callee_text;
    if (!text || !call->attr) return NULL;
    size_t n = trimmed_len(text), alen = strlen(call->attr);
    if (n <= alen || strncmp(text + n - alen, call->attr, alen) != 0) return NULL;
    size_t i = n - alen;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n' || text[i - 1] == '\r' ||
                     text[i - 1] == '\\'))
        i--;
    if (i == 0 || text[i - 1] != '.') return NULL;
    i--;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n' || text[i - 1] == '\r' ||
                     text[i - 1] == '\\'))
        i--;
    return i ? svc_xstrndup(text, i) : NULL;
}

static bool any_component(const char *text, size_t n, bool (*pred)(const char *, size_t))
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || text[i] == '.') {
            if (pred(text + start, i - start)) return true;
            start = i + 1;
        }
    }
    return false;
}

static bool is_manager_component(const char *s, size_t n)
{
    /* `objects`, `item_set`, also `objects.filter(...)` split as "filter(...)" */
    while (n > 0 && (s[0] == ' ' || s[0] == '\n' || s[0] == '\t')) s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t')) n--;
    if (n == 7 && strncmp(s, "objects", 7) == 0) return true;
    return n > 4 && strncmp(s + n - 4, "_set", 4) == 0 && s[0] != '(';
}

/* The last dot-separated part of the first n bytes. */
static void last_component(const char *s, size_t n, const char **out, size_t *outn)
{
    size_t i = n;
    while (i > 0 && s[i - 1] != '.') i--;
    *out = s + i;
    *outn = n - i;
}

static bool component_is(const char *s, size_t n, const char *want)
{
    return strlen(want) == n && strncmp(s, want, n) == 0;
}

static bool component_ends(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncmp(s + n - k, suffix, k) == 0;
}

bool svc_orm_write_call(const svc_model *m, const svc_facts *facts, const svc_call *call)
{
    static const char *const always[] = { "bulk_create", "bulk_update", "get_or_create", "update_or_create", NULL };
    const char *attr = call->attr;
    if (!attr) return false;
    bool is_always = false;
    for (size_t i = 0; always[i]; i++) is_always |= strcmp(attr, always[i]) == 0;
    bool managed = strcmp(attr, "create") == 0 || strcmp(attr, "update") == 0;
    bool instance = strcmp(attr, "save") == 0 || strcmp(attr, "delete") == 0;
    if (!is_always && !managed && !instance) return false;

    const svc_ref *ref = call->ref >= 0 ? &facts->refs[call->ref] : NULL;
    if (ref && ref->resolved && svc_model_resolve(m, ref->resolved)) return false; /* a function of the repo */
    char *obj = svc_callee_object(facts, call);
    if (!obj) return false;
    size_t n = strlen(obj);
    bool through_manager = any_component(obj, n, is_manager_component);
    bool result = false;
    if (is_always || through_manager) {
        result = true;
    } else if (instance) {
        bool positional = false;
        for (size_t a = 0; a < call->nargs; a++) positional |= call->args[a].keyword == NULL;
        const char *last;
        size_t lastn;
        last_component(obj, n, &last, &lastn);
        if (positional) result = false;
        else if (ref && ref->binding == SVC_BIND_IMPORT) result = false; /* cache.delete(), a module's function */
        else if (svc_str_starts_with(obj, "super(")) result = false;
        else if (component_is(last, lastn, "form") || component_ends(last, lastn, "_form") ||
                 component_is(last, lastn, "serializer") || component_ends(last, lastn, "_serializer") ||
                 component_is(last, lastn, "formset") || component_ends(last, lastn, "_formset") ||
                 component_is(last, lastn, "session") || component_is(last, lastn, "cache") ||
                 component_is(last, lastn, "storage") || component_ends(last, lastn, "_storage"))
            result = false;
        else result = true;
    }
    free(obj);
    return result;
}

char *svc_callee_one_line(const svc_call *call)
{
    const char *text = call->callee_text ? call->callee_text : call->attr ? call->attr : "";
    svc_buf b = { 0 };
    svc_buf_puts(&b, "");
    for (const char *p = text; *p; p++) {
        if (*p == '\\' || *p == '\n' || *p == '\r') {
            /* a line continuation or a line break inside brackets: drop it and the indent after it */
            const char *q = p;
            if (*q == '\\') q++;
            while (*q == '\r' || *q == '\n') q++;
            if (q == p + 1 && *p == '\\') {
                svc_buf_putc(&b, *p);
                continue;
            }
            while (*q == ' ' || *q == '\t') q++;
            while (b.len > 0 && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t')) b.data[--b.len] = '\0';
            p = q - 1;
            continue;
        }
        svc_buf_putc(&b, *p == '\t' ? ' ' : *p);
    }
    return svc_buf_detach(&b);
}

/* The `using=` argument's text among a call's or decorator's arguments, or NULL. */
static const char *using_argument(const svc_arg *args, size_t nargs)
{
    for (size_t i = 0; i < nargs; i++)
        if (args[i].keyword && strcmp(args[i].keyword, "using") == 0) return args[i].text;
    return NULL;
}

static const char atomic[] = "django.db.transaction.atomic";

/* True when def (file, def) is a `@contextlib.contextmanager` function of the repo whose body opens
 * `transaction.atomic` with a `with` (where it yields, in practice): a project's own spelling of
 * the atomic block, `with traced_atomic_transaction():`. */
static bool atomic_context_manager(const svc_model *m, svc_defref at)
{
    const svc_facts *facts = m->files[at.file].facts;
    const svc_def *d = &facts->defs[at.def];
    bool contextmanager = false;
    for (size_t k = 0; k < d->ndecorators; k++)
        if (d->decorators[k].callee && strcmp(d->decorators[k].callee, "contextlib.contextmanager") == 0)
            contextmanager = true;
    if (!contextmanager) return false;
    for (size_t w = 0; w < facts->nwith_items; w++) {
        const svc_with_item *wi = &facts->with_items[w];
        if (wi->scope != (int)at.def) continue;
        for (size_t c = 0; c < facts->ncalls; c++) {
            const svc_call *cm = &facts->calls[c];
            if (cm->span.byte == wi->value.byte && cm->span.end_byte == wi->value.end_byte && cm->ref >= 0 &&
                facts->refs[cm->ref].resolved && strcmp(facts->refs[cm->ref].resolved, atomic) == 0)
                return true;
        }
    }
    return false;
}

bool svc_call_in_atomic(const svc_model *m, const svc_facts *facts, const svc_call *call, uint32_t *row,
                        const char **using_db)
{
    for (size_t w = 0; w < facts->nwith_items; w++) {
        const svc_with_item *wi = &facts->with_items[w];
        if (wi->scope != call->scope || call->span.byte < wi->body.byte || call->span.end_byte > wi->body.end_byte)
            continue;
        for (size_t c = 0; c < facts->ncalls; c++) {
            const svc_call *cm = &facts->calls[c];
            if (cm->span.byte != wi->value.byte || cm->span.end_byte != wi->value.end_byte || cm->ref < 0) continue;
            const char *r = facts->refs[cm->ref].resolved;
            svc_defref helper;
            bool own = r && strcmp(r, atomic) == 0;
            if (!own && !(r && svc_model_find_def(m, r, &helper) && atomic_context_manager(m, helper))) continue;
            *row = wi->value.row;
            *using_db = own ? using_argument(cm->args, cm->nargs) : NULL;
            return true;
        }
    }
    if (call->scope < 0) return false;
    const svc_def *d = &facts->defs[call->scope];
    for (size_t k = 0; k < d->ndecorators; k++) {
        const svc_decorator *dec = &d->decorators[k];
        if (!dec->callee) continue;
        bool own = strcmp(dec->callee, atomic) == 0;
        svc_defref helper; /* `@traced_atomic()`: a context manager decorates when called */
        if (!own && !(dec->is_call && svc_model_find_def(m, dec->callee, &helper) && atomic_context_manager(m, helper)))
            continue;
        *row = dec->span.row;
        *using_db = own && dec->is_call ? using_argument(dec->args, dec->nargs) : NULL;
        return true;
    }
    return false;
}

/* What the fixers ask of dotted names and facts: where a name sits in the services package,
 * resolution through the model, the parts of a name, the import at a span. */
#include <string.h>

#include "fixes_internal.h"

/* The part of `dotted` after the services module (see rules_imports.c); NULL outside it. */
static const char *services_rest(const svc_model *m, const char *dotted, size_t *mod_len)
{
    if (!m->services_module || !dotted) return NULL;
    const char *mod = m->services_module;
    if (!svc_dotted_within(dotted, mod)) {
        const char *bare = svc_dotted_last(m->services_module);
        if (bare == m->services_module || svc_model_is_module(m, bare) || !svc_dotted_within(dotted, bare))
            return NULL;
        mod = bare;
    }
    size_t n = strlen(mod);
    if (mod_len) *mod_len = n;
    return dotted[n] == '.' ? dotted + n + 1 : dotted + n;
}

int fx_service_depth(const svc_model *m, const char *dotted)
{
    const char *rest = services_rest(m, dotted, NULL);
    if (!rest) return -1;
    return 1 + svc_dotted_depth(rest);
}

char *fx_service_prefix(const svc_model *m, const char *dotted, int depth)
{
    size_t mod_len = 0;
    const char *rest = services_rest(m, dotted, &mod_len);
    if (!rest || depth < 1 || fx_service_depth(m, dotted) < depth) return NULL;
    if (depth == 1) return svc_xstrndup(dotted, mod_len);
    const char *p = rest;
    for (int i = 1; i < depth - 1; i++) p = strchr(p, '.') + 1;
    size_t n = strcspn(p, ".");
    return svc_xstrndup(dotted, (size_t)(p - dotted) + n);
}

const char *fx_resolve(const svc_model *m, const char *dotted)
{
    if (!dotted) return NULL;
    const char *r = svc_model_resolve(m, dotted);
    return r ? r : dotted;
}

bool fx_same(const svc_model *m, const char *a, const char *b)
{
    if (!a || !b) return false;
    if (strcmp(a, b) == 0) return true;
    return strcmp(fx_resolve(m, a), fx_resolve(m, b)) == 0;
}

size_t fx_dotted_count(const char *dotted)
{
    if (!dotted || !*dotted) return 0;
    size_t n = 1;
    for (const char *p = dotted; *p; p++) n += *p == '.';
    return n;
}

char *fx_dotted_head(const char *dotted, size_t n)
{
    const char *p = dotted;
    for (size_t i = 0; i < n; i++) {
        const char *dot = strchr(p, '.');
        if (!dot || i + 1 == n) {
            size_t len = dot && i + 1 == n ? (size_t)(dot - dotted) : strlen(dotted);
            return svc_xstrndup(dotted, len);
        }
        p = dot + 1;
    }
    return svc_xstrdup("");
}

char *fx_dotted_part(const char *dotted, size_t i)
{
    const char *p = dotted;
    for (size_t k = 0; k < i && p; k++) {
        p = strchr(p, '.');
        if (p) p++;
    }
    if (!p) return svc_xstrdup("");
    return svc_xstrndup(p, strcspn(p, "."));
}

long fx_import_at(const svc_facts *facts, svc_span span)
{
    for (size_t k = 0; k < facts->nimports; k++)
        if (facts->imports[k].span.byte == span.byte && facts->imports[k].span.end_byte == span.end_byte)
            return (long)k;
    return -1;
}

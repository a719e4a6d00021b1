/* What the fixers ask of dotted names and facts: resolution through the model, the parts of a
 * name, the import or the reference at a span. */
#include <string.h>

#include "fixes_internal.h"

const svc_ref *fx_ref_of(const svc_facts *facts, const svc_diagnostic *d)
{
    for (size_t r = 0; r < facts->nrefs; r++)
        if (facts->refs[r].span.byte == d->span.byte && facts->refs[r].span.end_byte == d->span.end_byte)
            return &facts->refs[r];
    return NULL;
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

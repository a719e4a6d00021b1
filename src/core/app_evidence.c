/*
 * Evidence that a package is a Django app. A file name is not enough: `models.py` of pydantic
 * classes and `apps.py` of DataLoaders are common in large projects. What counts is a class
 * whose bases reach Django's AppConfig or Model, resolved through imports and the repo's classes.
 */
#include <string.h>

#include "core/app_evidence.h"
#include "svcscope/util.h"

typedef enum { WANT_APPCONFIG, WANT_MODEL } wanted;

/* Base chains in real projects are a few classes deep; this bounds a cycle of bad code. */
#define MAX_DEPTH 16

static bool is_django_root(const char *name, wanted want)
{
    if (want == WANT_APPCONFIG)
        return strcmp(name, "django.apps.AppConfig") == 0 || strcmp(name, "django.apps.config.AppConfig") == 0;
    return strcmp(name, "django.db.models.Model") == 0 || strcmp(name, "django.db.models.base.Model") == 0;
}

/* True when some dotted prefix of the name is a module of the repo. */
static bool in_repo(const svc_model *m, const char *name)
{
    char prefix[512];
    size_t n = strlen(name);
    if (n >= sizeof prefix) return false;
    memcpy(prefix, name, n + 1);
    for (char *dot = strrchr(prefix, '.'); dot; dot = strrchr(prefix, '.')) {
        *dot = '\0';
        if (svc_model_is_module(m, prefix)) return true;
    }
    return svc_model_is_module(m, prefix);
}

/* A third-party class that is Django's kind of thing by the module that holds it. */
static bool third_party_kind(const char *name, wanted want)
{
    const char *dot = strrchr(name, '.');
    if (!dot) return false;
    size_t module_len = (size_t)(dot - name);
    const char *tail = want == WANT_APPCONFIG ? "apps" : "models";
    size_t tail_len = strlen(tail);
    if (module_len < tail_len || memcmp(dot - tail_len, tail, tail_len) != 0) return false;
    return module_len == tail_len || dot[-(long)tail_len - 1] == '.';
}

static bool class_reaches(const svc_model *m, size_t file, size_t def, wanted want, int depth);

static bool base_reaches(const svc_model *m, const char *base, wanted want, int depth)
{
    if (depth > MAX_DEPTH || !base || strchr(base, '[') || strchr(base, '(')) return false;
    if (is_django_root(base, want)) return true;
    svc_defref ref;
    if (svc_model_find_def(m, base, &ref)) return class_reaches(m, ref.file, ref.def, want, depth + 1);
    return !in_repo(m, base) && third_party_kind(base, want);
}

static bool class_reaches(const svc_model *m, size_t file, size_t def, wanted want, int depth)
{
    const svc_facts *facts = m->files[file].facts;
    if (!facts || def >= facts->ndefs || facts->defs[def].kind != SVC_DEF_CLASS) return false;
    const svc_def *d = &facts->defs[def];
    for (size_t b = 0; b < d->nbases; b++)
        if (base_reaches(m, d->bases[b], want, depth)) return true;
    return false;
}

static bool any_class_reaches(const svc_model *m, size_t file, wanted want)
{
    const svc_facts *facts = m->files[file].facts;
    for (size_t i = 0; facts && i < facts->ndefs; i++) {
        /* an abstract model makes no table: a mixin's package is no app (its subclasses still count) */
        if (want == WANT_MODEL && facts->defs[i].meta_abstract) continue;
        if (facts->defs[i].parent < 0 && class_reaches(m, file, i, want, 0)) return true;
    }
    return false;
}

bool svc_app_evidence_is_appconfig(const svc_model *m, size_t file, size_t def)
{
    return class_reaches(m, file, def, WANT_APPCONFIG, 0);
}

bool svc_app_evidence_names_model(const svc_model *m, const char *dotted)
{
    return base_reaches(m, dotted, WANT_MODEL, 0);
}

bool svc_app_evidence_appconfig(const svc_model *m, size_t file)
{
    return any_class_reaches(m, file, WANT_APPCONFIG);
}

bool svc_app_evidence_model(const svc_model *m, size_t file)
{
    return any_class_reaches(m, file, WANT_MODEL);
}

/*
 * Who refers to a top-level name across the repository: an index of every reference chain by its
 * parts, built from the facts on the first question; whether a module's name is used from
 * elsewhere (fx_name_exported); and the rename of a def with every reference, import, re-export
 * and `__all__` entry (fx_rename_def, for SVC403 and SVC405).
 */
#include <stdlib.h>
#include <string.h>

#include "fixes_internal.h"

typedef SVC_VEC(uint64_t) site_list;

/*
 * identifier -> every (file, ref) whose chain has it as a part, in (file, ref) order: an open
 * addressing table whose keys point into the refs' raw names (parts of 256 bytes or more are left
 * out). Built once per svc_diagnostics_compute_fixes, on the first question.
 */
typedef struct part_slot {
    const char *key;         /* NULL: empty */
    uint32_t len;
    uint32_t hash;
    site_list sites;
} part_slot;

struct fx_parts {
    part_slot *slots;
    size_t cap;              /* a power of two */
    size_t count;
};

static uint32_t part_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static part_slot *part_find(const struct fx_parts *pt, const char *key, size_t len, uint32_t hash)
{
    size_t mask = pt->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        part_slot *slot = &pt->slots[i];
        if (!slot->key || (slot->hash == hash && slot->len == len && memcmp(slot->key, key, len) == 0)) return slot;
    }
}

static void parts_grow(struct fx_parts *pt)
{
    part_slot *old = pt->slots;
    size_t old_cap = pt->cap;
    pt->cap = old_cap ? old_cap * 2 : 4096;
    pt->slots = svc_xcalloc(pt->cap, sizeof *pt->slots);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key) *part_find(pt, old[i].key, old[i].len, old[i].hash) = old[i];
    free(old);
}

void fx_parts_free(struct fx_parts *pt)
{
    if (!pt) return;
    for (size_t i = 0; i < pt->cap; i++) svc_vec_free(&pt->slots[i].sites);
    free(pt->slots);
    free(pt);
}

static const site_list *sites_with_part(fx_ctx *ctx, const char *ident)
{
    const svc_model *m = ctx->m;
    if (!ctx->parts) {
        struct fx_parts *pt = svc_xcalloc(1, sizeof *pt);
        parts_grow(pt);
        for (size_t i = 0; i < m->nfiles; i++) {
            const svc_facts *facts = m->files[i].facts;
            if (!facts) continue;
            for (size_t r = 0; r < facts->nrefs; r++) {
                const svc_ref *ref = &facts->refs[r];
                if (!ref->resolved || !ref->raw) continue;
                const char *p = ref->raw;
                uint64_t site = ((uint64_t)i << 32) | (uint64_t)r;
                while (*p) {
                    /* the part's length and its part_hash in one pass */
                    uint32_t hash = 2166136261u;
                    size_t n = 0;
                    for (; p[n] && p[n] != '.'; n++) hash = (hash ^ (unsigned char)p[n]) * 16777619u;
                    if (n < 256) {
                        part_slot *slot = part_find(pt, p, n, hash);
                        if (!slot->key) {
                            if ((pt->count + 1) * 2 > pt->cap) {
                                parts_grow(pt);
                                slot = part_find(pt, p, n, hash);
                            }
                            slot->key = p;
                            slot->len = (uint32_t)n;
                            slot->hash = hash;
                            pt->count++;
                        }
                        if (!slot->sites.len || slot->sites.items[slot->sites.len - 1] != site)
                            svc_vec_push(&slot->sites, site);
                    }
                    p += n;
                    if (*p == '.') p++;
                }
            }
        }
        ctx->parts = pt;
    }
    size_t len = strlen(ident);
    if (len >= 256) return NULL;
    const part_slot *slot = part_find(ctx->parts, ident, len, part_hash(ident, len));
    return slot->key ? &slot->sites : NULL;
}

bool fx_name_exported(fx_ctx *ctx, size_t file, const char *name)
{
    const svc_model *m = ctx->m;
    const svc_file *f = &m->files[file];
    for (size_t i = 0; i < f->facts->nall; i++)
        if (strcmp(f->facts->all[i], name) == 0) return true;
    if (!f->module) return false;
    if (!ctx->imported) {
        /* what every file imports by name, and the modules star-imported */
        ctx->imported = svc_map_new();
        for (size_t i = 0; i < m->nfiles; i++) {
            const svc_facts *facts = m->files[i].facts;
            for (size_t k = 0; facts && k < facts->nimports; k++) {
                const svc_import *imp = &facts->imports[k];
                if (imp->kind == SVC_IMPORT_STAR && imp->module) {
                    char *key = svc_xasprintf("*%s", imp->module);
                    svc_map_put(ctx->imported, key, (void *)(uintptr_t)(i + 1));
                    free(key);
                } else if (imp->kind == SVC_IMPORT_FROM && imp->target) {
                    /* the importing file, or SIZE_MAX when several do */
                    uintptr_t prev = (uintptr_t)svc_map_get(ctx->imported, imp->target);
                    uintptr_t mine = (uintptr_t)(i + 1);
                    svc_map_put(ctx->imported, imp->target, (void *)(prev && prev != mine ? UINTPTR_MAX : mine));
                }
            }
        }
    }
    char *there = svc_xasprintf("%s.%s", f->module, name);
    char *star = svc_xasprintf("*%s", f->module);
    uintptr_t by = (uintptr_t)svc_map_get(ctx->imported, there);
    bool yes = (by && by != (uintptr_t)(file + 1)) || svc_map_get(ctx->imported, star) != NULL;
    /* used through the module elsewhere: `views.helper(...)` */
    const site_list *sites = yes ? NULL : sites_with_part(ctx, name);
    for (size_t s = 0; sites && s < sites->len && !yes; s++) {
        size_t fi = (size_t)(sites->items[s] >> 32), r = (size_t)(sites->items[s] & 0xffffffffu);
        const svc_ref *ref = &m->files[fi].facts->refs[r];
        if (fi != file && ref->resolved && svc_dotted_within(ref->resolved, there)) yes = true;
    }
    free(there);
    free(star);
    return yes;
}

typedef struct rename_import {
    size_t file;
    size_t imp;
    bool done;
    bool rebinds;      /* the file's name changes too (no alias, no clash) */
} rename_import;

void fx_rename_def(fx_fix *fix, size_t file, size_t def, const char *new_name)
{
    fx_ctx *ctx = fix->ctx;
    const svc_model *m = ctx->m;
    const svc_file *f = &m->files[file];
    const svc_def *d = &f->facts->defs[def];
    if (fix->failed) return;
    if (!f->module || d->parent != -1 || !fx_is_identifier(new_name)) {
        fx_fail(fix);
        return;
    }
    const char *old = d->name;
    size_t olen = strlen(old);
    char *dotted = svc_xasprintf("%s.%s", f->module, old);
    char *new_dotted = svc_xasprintf("%s.%s", f->module, new_name);
    const svc_symbol *sym = svc_model_symbol(m, dotted);
    if (!sym || sym->kind != SVC_SYM_DEF || sym->def != (long)def || sym->file != file ||
        svc_model_symbol(m, new_dotted) || !fx_name_free(ctx, file, new_name, NULL)) {
        free(dotted);
        free(new_dotted);
        fx_fail(fix);
        return;
    }
    free(new_dotted);
    fx_edit(fix, file, d->name_span.byte, d->name_span.end_byte, new_name);

    /* modules that will export the new name: the def's module, and re-exporters that rename */
    svc_map *exporters = svc_map_new();
    svc_map_put(exporters, f->module, (void *)1);
    SVC_VEC(rename_import) imports = { 0 };
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_facts *facts = m->files[i].facts;
        for (size_t k = 0; k < facts->nimports; k++) {
            const svc_import *imp = &facts->imports[k];
            if (imp->kind != SVC_IMPORT_FROM || imp->unresolved || !imp->name || strcmp(imp->name, old) != 0) continue;
            const char *r = svc_model_resolve(m, imp->target);
            if (!r || strcmp(r, dotted) != 0) continue;
            rename_import ri = { i, k, false, false };
            svc_vec_push(&imports, ri);
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t x = 0; x < imports.len; x++) {
            rename_import *ri = &imports.items[x];
            const svc_file *fi = &m->files[ri->file];
            const svc_import *imp = &fi->facts->imports[ri->imp];
            if (ri->done || !svc_map_get(exporters, fx_resolve(m, imp->module))) continue;
            ri->done = true;
            changed = true;
            ri->rebinds = !imp->alias && fx_text_of(ctx, ri->file) && fx_name_free(ctx, ri->file, new_name, NULL);
            if (ri->rebinds && imp->scope == -1 && fi->module) svc_map_put(exporters, fi->module, (void *)1);
        }
    }
    /* the imports */
    for (size_t x = 0; x < imports.len && !fix->failed; x++) {
        const rename_import *ri = &imports.items[x];
        if (!ri->done) continue; /* through a module that keeps exporting the old name */
        const fx_text *t = fx_text_of(ctx, ri->file);
        const svc_import *imp = &m->files[ri->file].facts->imports[ri->imp];
        if (!t || imp->span.byte + olen > t->len || memcmp(t->bytes + imp->span.byte, old, olen) != 0) {
            fx_fail(fix);
            break;
        }
        if (imp->alias || ri->rebinds) {
            fx_edit(fix, ri->file, imp->span.byte, imp->span.byte + (uint32_t)olen, new_name);
        } else {
            char *text = svc_xasprintf("%s as %s", new_name, old);
            fx_edit(fix, ri->file, imp->span.byte, imp->span.byte + (uint32_t)olen, text);
            free(text);
        }
        if (ri->rebinds && imp->scope == -1 && m->files[ri->file].module) fx_all_rename(fix, ri->file, old, new_name);
    }
    /* the def's module's own __all__ */
    fx_all_rename(fix, file, old, new_name);

    /* the references */
    const site_list *sites = sites_with_part(ctx, old);
    for (size_t s = 0; sites && s < sites->len && !fix->failed; s++) {
        size_t fi = (size_t)(sites->items[s] >> 32), r = (size_t)(sites->items[s] & 0xffffffffu);
        const svc_facts *facts = m->files[fi].facts;
        const svc_ref *ref = &facts->refs[r];
        size_t nr = fx_dotted_count(ref->raw), ns = fx_dotted_count(ref->resolved);
        if (nr == 0 || ns < nr) continue;
        const fx_text *t = fx_text_of(ctx, fi);
        if (!t) {
            fx_fail(fix);
            break;
        }
        uint32_t parts[64][2];
        size_t np = fx_chain_parts(t, ref->span.byte, ref->span.end_byte, parts, 64);
        if (np != nr) {
            fx_fail(fix);
            break;
        }
        for (size_t j = 0; j < nr; j++) {
            if (parts[j][1] - parts[j][0] != olen || memcmp(t->bytes + parts[j][0], old, olen) != 0) continue;
            bool rename = false;
            if (j == 0) {
                if (ref->binding == SVC_BIND_IMPORT) {
                    for (size_t x = 0; x < imports.len; x++)
                        if (imports.items[x].file == fi && imports.items[x].imp == (size_t)ref->import_index &&
                            imports.items[x].rebinds)
                            rename = true;
                } else if (ref->binding == SVC_BIND_MODULE && fi == file) {
                    rename = true;
                }
            } else {
                char *object = svc_dotted_head(ref->resolved, ns - nr + j);
                const char *r2 = svc_model_resolve(m, object);
                rename = r2 && svc_map_get(exporters, r2) && svc_model_is_module(m, r2);
                free(object);
            }
            if (rename) fx_edit(fix, fi, parts[j][0], parts[j][1], new_name);
        }
    }
    svc_vec_free(&imports);
    svc_map_free(exporters);
    free(dotted);
}

/*
 * Setting keys of one table in a TOML file, every other byte kept (toml_edit.h). The file is
 * read with the core's TOML reader, which keeps where each value is written; the change is a
 * few byte-range edits of the original text, never a re-serialisation of the document.
 */
#include <stdlib.h>
#include <string.h>

#include "core/toml.h"
#include "core/toml_edit.h"
#include "svcscope/util.h"

typedef struct edit {
    size_t at, remove;
    char *insert;
    size_t seq; /* the order made: of two at one offset, the later is applied first (ends up after) */
} edit;

/* The offset of the line after the one holding `offset`. */
static size_t next_line(const char *text, size_t len, size_t offset)
{
    const char *nl = memchr(text + offset, '\n', len - offset);
    return nl ? (size_t)(nl - text) + 1 : len;
}

/* The offset where 1-based `line` starts. */
static size_t line_start(const char *text, size_t len, uint32_t line)
{
    size_t at = 0;
    for (uint32_t l = 1; l < line && at < len; l++) at = next_line(text, len, at);
    return at;
}

static int compare_edits(const void *a, const void *b)
{
    const edit *x = a, *y = b;
    if (x->at != y->at) return x->at < y->at ? 1 : -1;
    return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* The text with the edits made (from the end, so that offsets stay true). */
static char *apply(const char *text, size_t len, edit *edits, size_t n, size_t *out_len)
{
    for (size_t i = 0; i < n; i++) edits[i].seq = i;
    qsort(edits, n, sizeof *edits, compare_edits);
    svc_buf b = { 0 };
    svc_buf_append(&b, text, len);
    for (size_t i = 0; i < n; i++) {
        size_t ins = strlen(edits[i].insert);
        svc_buf out = { 0 };
        svc_buf_append(&out, b.data, edits[i].at);
        svc_buf_append(&out, edits[i].insert, ins);
        svc_buf_append(&out, b.data + edits[i].at + edits[i].remove, b.len - edits[i].at - edits[i].remove);
        svc_buf_free(&b);
        b = out;
    }
    if (!b.data) svc_buf_puts(&b, "");
    *out_len = b.len;
    return svc_buf_detach(&b);
}

/* Two values the same as TOML values (how they are written aside). */
static bool same_value(const svc_toml_value *a, const svc_toml_value *b)
{
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case SVC_TOML_STRING:
        return a->slen == b->slen && memcmp(a->str, b->str, a->slen) == 0;
    case SVC_TOML_INTEGER:
        return a->integer == b->integer;
    case SVC_TOML_BOOLEAN:
        return a->boolean == b->boolean;
    case SVC_TOML_TABLE:
    case SVC_TOML_ARRAY: {
        const svc_toml_entry *x = a->head, *y = b->head;
        for (; x && y; x = x->next, y = y->next) {
            if (a->kind == SVC_TOML_TABLE && (x->klen != y->klen || memcmp(x->key, y->key, x->klen) != 0)) return false;
            if (!same_value(x->value, y->value)) return false;
        }
        return !x && !y;
    }
    case SVC_TOML_OTHER:
        return false;
    }
    return false;
}

/* A setting's line as added: "key = value  # comment\n" (or the comment line alone). */
static void put_setting(svc_buf *b, const svc_toml_setting *s)
{
    if (!s->key) {
        svc_buf_printf(b, "# %s\n", s->comment ? s->comment : "");
        return;
    }
    svc_buf_printf(b, "%s = %s", s->key, s->value);
    if (s->comment && *s->comment) svc_buf_printf(b, "  # %s", s->comment);
    svc_buf_putc(b, '\n');
}

/* The table at a dotted path; *missing when it is not there or only implied by a header under
 * it (a [header] of its own can then be added). NULL with *missing false: not a table to edit. */
static const svc_toml_value *find_table(const svc_toml *doc, const char *table, bool *missing, uint32_t *line)
{
    const svc_toml_value *t = svc_toml_root(doc);
    *missing = false;
    *line = 1;
    for (const char *part = table; *part;) {
        const char *dot = strchr(part, '.');
        size_t n = dot ? (size_t)(dot - part) : strlen(part);
        const svc_toml_value *next = svc_toml_get(t, part, n);
        if (!next) {
            /* A header may be added below any table that headers, not values, made. */
            *missing = t->origin == SVC_TOML_DOCUMENT || t->origin == SVC_TOML_HEADER || t->origin == SVC_TOML_IMPLICIT;
            return NULL;
        }
        *line = next->line;
        if (next->kind != SVC_TOML_TABLE || next->aot) return NULL;
        t = next;
        part += n + (dot ? 1 : 0);
    }
    if (t->origin == SVC_TOML_IMPLICIT) {
        *missing = true;
        return NULL;
    }
    return t->origin == SVC_TOML_HEADER ? t : NULL;
}

/* The value a setting stands for, parsed from "v = VALUE". */
static svc_toml *parse_setting(const svc_toml_setting *s, const svc_toml_value **value)
{
    char *doc_text = svc_xasprintf("v = %s\n", s->value);
    svc_toml *doc = NULL;
    svc_error err = SVC_ERROR_INIT;
    *value = NULL;
    if (svc_toml_parse(&doc, "value", doc_text, strlen(doc_text), &err) == SVC_OK)
        *value = svc_toml_get(svc_toml_root(doc), "v", 1);
    free(doc_text);
    return doc;
}

int svc_toml_set_keys(const char *path, const char *text, size_t len, const char *table,
                      const svc_toml_setting *settings, size_t n, const char *consequence, char **out,
                      size_t *out_len, svc_toml_set_result *results, bool *made_table, svc_error *err)
{
    if (made_table) *made_table = false;
    *out = NULL;
    *out_len = 0;
    if (results) memset(results, 0, n * sizeof *results);
    svc_toml *doc = NULL;
    if (svc_toml_parse(&doc, path, text, len, err) != SVC_OK) {
        svc_toml_free(doc);
        return SVC_ECONFIG;
    }
    bool missing;
    uint32_t line;
    const svc_toml_value *t = find_table(doc, table, &missing, &line);
    edit *edits = svc_xcalloc(n + 1, sizeof *edits);
    size_t nedits = 0;
    int rc = SVC_OK;
    if (!t && !missing) {
        rc = svc_error_set(err, SVC_ECONFIG, "%s:%u: %s is not a [%s] table: %s", path, line, table, table, consequence);
    } else if (!t) {
        /* No table yet: it goes at the end, after a blank line. */
        if (made_table) *made_table = true;
        svc_buf b = { 0 };
        svc_buf_printf(&b, "%s[%s]\n", len == 0 ? "" : text[len - 1] == '\n' ? "\n" : "\n\n", table);
        for (size_t i = 0; i < n; i++) {
            put_setting(&b, &settings[i]);
            if (results && settings[i].key) results[i].change = SVC_TOML_ADDED;
        }
        edits[nedits++] = (edit){ len, 0, svc_buf_detach(&b), 0 };
    } else {
        /* After the table's last line: its last value's line, or its header's. */
        size_t end = next_line(text, len, line_start(text, len, t->header_line));
        for (const svc_toml_entry *e = t->head; e; e = e->next)
            if (e->value->src_end && e->value->src_end <= len) {
                size_t after = next_line(text, len, e->value->src_end - 1);
                if (after > end) end = after;
            }
        svc_buf added = { 0 };
        for (size_t i = 0; i < n && rc == SVC_OK; i++) {
            const svc_toml_setting *s = &settings[i];
            if (!s->key) continue;
            const svc_toml_value *v = svc_toml_get(t, s->key, strlen(s->key));
            if (!v) {
                put_setting(&added, s);
                if (results) results[i].change = SVC_TOML_ADDED;
                continue;
            }
            if (!(v->src_end > v->src_start && v->src_end <= len && v->origin == SVC_TOML_WRITTEN)) {
                rc = svc_error_set(err, SVC_ECONFIG, "%s:%u: %s.%s is not a plain value: %s", path, v->line, table, s->key,
                                   consequence);
                break;
            }
            const svc_toml_value *want;
            svc_toml *want_doc = parse_setting(s, &want);
            bool same = want && same_value(v, want);
            svc_toml_free(want_doc);
            if (same) continue;
            edits[nedits++] = (edit){ v->src_start, v->src_end - v->src_start, svc_xstrdup(s->value), 0 };
            if (results) {
                results[i].change = SVC_TOML_CHANGED;
                results[i].line = v->line;
                results[i].old_value = svc_xstrndup(text + v->src_start, v->src_end - v->src_start);
            }
        }
        if (rc == SVC_OK && added.len) {
            const char *nl = end > 0 && text[end - 1] != '\n' ? "\n" : "";
            char *insert = svc_xasprintf("%s%s", nl, added.data);
            edits[nedits++] = (edit){ end, 0, insert, 0 };
        }
        svc_buf_free(&added);
    }
    if (rc == SVC_OK) *out = apply(text, len, edits, nedits, out_len);
    else if (results) svc_toml_set_results_free(results, n);
    for (size_t i = 0; i < nedits; i++) free(edits[i].insert);
    free(edits);
    svc_toml_free(doc);
    return rc;
}

void svc_toml_set_results_free(svc_toml_set_result *results, size_t n)
{
    for (size_t i = 0; results && i < n; i++) {
        free(results[i].old_value);
        results[i].old_value = NULL;
    }
}

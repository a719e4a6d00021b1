/*
 * Writing the explorer's pane sizes back into the user's settings file: the `[layout]` table's
 * keys are set where they are written (or added to the table, or the table to the end),
 * and every other byte of the file stays as it is (comments, order, other tables). A file the
 * reader refuses, or a `layout` written as an inline table or dotted keys, is not rewritten.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/atomic_file.h"
#include "core/toml.h"
#include "svcscope/user_config.h"
#include "svcscope/util.h"

typedef struct edit {
    size_t at, remove;
    char *insert;
    size_t seq;      /* the order made: of two at one offset, the later is applied first (ends up after) */
} edit;

/* The value as written: a percentage, or "auto" for 0. */
static char *value_text(int percent)
{
    return percent > 0 ? svc_xasprintf("%d", percent) : svc_xstrdup("\"auto\"");
}

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

/* The file's text with the edits made (from the end, so that offsets stay true). */
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
    *out_len = b.len;
    return svc_buf_detach(&b);
}

#define NSIZES 3
static const char *const names[NSIZES] = { "tree-width", "bottom-height", "problems-width" };

/* The edits that set `layout` in a parsed file; SVC_ECONFIG when its form is not one to rewrite. */
static int plan(const svc_toml *doc, const char *text, size_t len, const int values[NSIZES], edit *edits, size_t *n,
                const char *path, svc_error *err)
{
    const svc_toml_value *layout = svc_toml_get(svc_toml_root(doc), "layout", 6);
    if (!layout) {
        /* No table yet: it goes at the end, after a blank line. */
        svc_buf b = { 0 };
        svc_buf_printf(&b, "%s[layout]\n", len == 0 ? "" : text[len - 1] == '\n' ? "\n" : "\n\n");
        for (int k = 0; k < NSIZES; k++) {
            char *value = value_text(values[k]);
            svc_buf_printf(&b, "%s = %s\n", names[k], value);
            free(value);
        }
        edits[(*n)++] = (edit){ .at = len, .insert = svc_buf_detach(&b) };
        return SVC_OK;
    }
    if (layout->kind != SVC_TOML_TABLE || layout->origin != SVC_TOML_HEADER)
        return svc_error_set(err, SVC_ECONFIG, "%s:%u: layout is not a [layout] table: the sizes are not saved", path,
                             layout->line);
    /* After the table's last line: its last value's line, or its header's. */
    size_t end = next_line(text, len, line_start(text, len, layout->header_line));
    for (const svc_toml_entry *e = layout->head; e; e = e->next)
        if (e->value->src_end && e->value->src_end <= len) {
            size_t after = next_line(text, len, e->value->src_end - 1);
            if (after > end) end = after;
        }
    for (int k = 0; k < NSIZES; k++) {
        const svc_toml_value *v = svc_toml_get(layout, names[k], strlen(names[k]));
        char *value = value_text(values[k]);
        if (v && v->src_end > v->src_start && v->src_end <= len && v->origin == SVC_TOML_WRITTEN) {
            edits[(*n)++] = (edit){ .at = v->src_start, .remove = v->src_end - v->src_start, .insert = value };
        } else if (v) {
            free(value);
            return svc_error_set(err, SVC_ECONFIG, "%s:%u: layout.%s is not a plain value: the sizes are not saved", path,
                                 v->line, names[k]);
        } else {
            const char *nl = end > 0 && text[end - 1] != '\n' ? "\n" : "";
            edits[(*n)++] = (edit){ .at = end, .insert = svc_xasprintf("%s%s = %s\n", nl, names[k], value) };
            free(value);
        }
    }
    return SVC_OK;
}

int svc_user_config_save_layout(const svc_user_dirs *dirs, const svc_layout_sizes *sizes, svc_error *err)
{
    char *path = svc_user_config_path(dirs);
    if (!path) return svc_error_set(err, SVC_EIO, "no settings file: neither XDG_CONFIG_HOME nor HOME is usable");
    char *text = NULL;
    size_t len = 0;
    struct stat st;
    mode_t mode = 0644;
    int e = svc_file_read(path, &text, &len, &st);
    int rc = SVC_OK;
    if (e == 0) {
        mode = st.st_mode & 07777;
    } else if (e == ENOENT) {
        text = svc_xstrdup("");
        char *dir = svc_xstrdup(path);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = '\0';
        rc = svc_file_mkdir_p(dir, err);
        free(dir);
    } else {
        rc = svc_error_set(err, SVC_EIO, "%s: %s: the sizes are not saved", path, strerror(e));
    }
    svc_toml *doc = NULL;
    if (rc == SVC_OK && svc_toml_parse(&doc, path, text, len, err) != SVC_OK) rc = SVC_ECONFIG;
    edit edits[NSIZES + 1];
    size_t n = 0;
    const int values[NSIZES] = { sizes->tree_width, sizes->bottom_height, sizes->problems_width };
    if (rc == SVC_OK) rc = plan(doc, text, len, values, edits, &n, path, err);
    if (rc == SVC_OK) {
        size_t out_len;
        char *out = apply(text, len, edits, n, &out_len);
        rc = svc_file_write_atomic(path, out, out_len, mode, true, true, err);
        free(out);
    }
    for (size_t i = 0; i < n; i++) free(edits[i].insert);
    svc_toml_free(doc);
    free(text);
    free(path);
    return rc;
}

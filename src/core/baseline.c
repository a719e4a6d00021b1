/*
 * Baselines: today's findings written down, so that later runs report only new ones.
 *
 * A finding is recorded by (code, path, enclosing definition, normalised source line), never
 * by its line number, so findings whose lines merely moved still match. Identical keys are
 * counted: an entry recorded with count N absorbs at most N findings, so a second copy of a
 * known violation added later is reported.
 *
 * File format (JSON, pretty-printed, entries sorted for readable diffs):
 *   {"version": 1, "tool": "svcscope",
 *    "entries": [{"code", "path", "context": string|null, "line_text", "count"}]}
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "svcscope/report.h"
#include "svcscope/util.h"

#define BASELINE_VERSION 1
#define BASELINE_TOOL "svcscope"
/* Longer source lines are cut (at a character boundary) before being recorded. */
#define MAX_LINE_TEXT 400

typedef struct bl_entry {
    char *code;
    char *path;
    char *context;   /* NULL when the finding is outside any definition */
    char *line_text;
    long long count;
} bl_entry;

struct svc_baseline {
    bl_entry *entries;
    size_t nentries;
    svc_map *index;  /* key -> entry index + 1 */
};

/* ---- strings ----------------------------------------------------------------------------- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The line as the baseline records it: valid UTF-8, blanks stripped at both ends, inner
 * runs of blanks made one space, cut at a character boundary to MAX_LINE_TEXT bytes. */
static char *normalise_line(const char *s, size_t n)
{
    char *raw = svc_xstrndup(s, n);
    char *clean = svc_utf8_repaired(raw);
    free(raw);
    const char *end = clean + strlen(clean);
    svc_buf b = { 0 };
    bool space = false;
    for (const char *p = clean; *p;) {
        if (is_blank(*p)) {
            space = b.len > 0;
            p++;
            continue;
        }
        uint32_t cp;
        size_t len = svc_utf8_decode(p, (size_t)(end - p), &cp);
        if (b.len + (space ? 1 : 0) + len > MAX_LINE_TEXT) break;
        if (space) svc_buf_putc(&b, ' ');
        space = false;
        svc_buf_append(&b, p, len);
        p += len;
    }
    free(clean);
    return svc_buf_detach(&b);
}

/* An unambiguous map key for (code, path, context, line): each part length-prefixed. */
static char *entry_key(const char *code, const char *path, const char *context, const char *line)
{
    return svc_xasprintf("%zu:%s|%zu:%s|%c%zu:%s|%zu:%s", strlen(code), code, strlen(path), path,
                         context ? 'c' : 'n', context ? strlen(context) : 0, context ? context : "",
                         strlen(line), line);
}

/* ---- what a diagnostic is recorded as -------------------------------------------------- */

/* True when the finding is about a folder or a file as a whole: it has no source line. */
static bool has_no_line(const svc_diagnostic *d)
{
    if (d->is_folder || d->file < 0) return true;
    const svc_span *s = &d->span;
    return s->row == 0 && s->col == 0 && s->end_row == 0 && s->end_col == 0 && s->byte == 0 && s->end_byte == 0;
}

typedef struct line_job {
    size_t diag;
    const char *path;
    uint32_t row;
} line_job;

static int compare_jobs(const void *pa, const void *pb)
{
    const line_job *a = pa, *b = pb;
    int c = strcmp(a->path, b->path);
    if (c) return c;
    if (a->row != b->row) return a->row < b->row ? -1 : 1;
    return a->diag < b->diag ? -1 : a->diag > b->diag;
}

/*
 * The normalised source line of every diagnostic (malloc'd; "" for folders, whole files and
 * files that cannot be read). Each file is read once through the model's source, and only
 * the rows asked for are taken from it.
 */
static char **line_texts(const svc_model *m, const svc_diagnostics *d)
{
    char **out = svc_xcalloc(d->len ? d->len : 1, sizeof *out);
    line_job *jobs = svc_xmalloc((d->len ? d->len : 1) * sizeof *jobs);
    size_t njobs = 0;
    for (size_t i = 0; i < d->len; i++) {
        if (has_no_line(&d->items[i]) || !m || !m->source) continue;
        jobs[njobs++] = (line_job){ i, d->items[i].path, d->items[i].span.row };
    }
    qsort(jobs, njobs, sizeof *jobs, compare_jobs);

    for (size_t j = 0; j < njobs;) {
        size_t k = j;
        while (k < njobs && strcmp(jobs[k].path, jobs[j].path) == 0) k++;
        char *bytes = NULL;
        size_t len = 0;
        long idx = svc_source_find(m->source, jobs[j].path);
        svc_error err = SVC_ERROR_INIT;
        if (idx >= 0 && svc_source_read(m->source, (size_t)idx, &bytes, &len, &err) == SVC_OK) {
            size_t pos = 0;
            uint32_t row = 0;
            if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) pos = 3;
            for (size_t q = j; q < k; q++) {
                while (row < jobs[q].row && pos < len) {
                    const char *nl = memchr(bytes + pos, '\n', len - pos);
                    pos = nl ? (size_t)(nl - bytes) + 1 : len;
                    row++;
                }
                if (row < jobs[q].row) break; /* past the end of the file */
                const char *nl = memchr(bytes + pos, '\n', len - pos);
                size_t end = nl ? (size_t)(nl - bytes) : len;
                out[jobs[q].diag] = normalise_line(bytes + pos, end - pos);
            }
        }
        free(bytes);
        j = k;
    }
    for (size_t i = 0; i < d->len; i++)
        if (!out[i]) out[i] = svc_xstrdup("");
    free(jobs);
    return out;
}

static void free_strings(char **list, size_t n)
{
    if (!list) return;
    for (size_t i = 0; i < n; i++) free(list[i]);
    free(list);
}

/* The key of a diagnostic with its line text (strings cleaned as JSON would carry them). */
static char *diagnostic_key(const svc_diagnostic *d, const char *line)
{
    char *code = svc_utf8_repaired(d->rule->code);
    char *path = svc_utf8_repaired(d->path);
    char *context = d->context ? svc_utf8_repaired(d->context) : NULL;
    char *key = entry_key(code, path, context, line);
    free(code);
    free(path);
    free(context);
    return key;
}

/* ---- writing --------------------------------------------------------------------------- */

static int compare_entries(const void *pa, const void *pb)
{
    const bl_entry *a = pa, *b = pb;
    int c = strcmp(a->path, b->path);
    if (c) return c;
    c = strcmp(a->code, b->code);
    if (c) return c;
    if (!a->context != !b->context) return a->context ? 1 : -1;
    if (a->context && (c = strcmp(a->context, b->context)) != 0) return c;
    return strcmp(a->line_text, b->line_text);
}

static void free_entries(bl_entry *entries, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(entries[i].code);
        free(entries[i].path);
        free(entries[i].context);
        free(entries[i].line_text);
    }
    free(entries);
}

static char *baseline_json(const svc_model *m, const svc_diagnostics *d)
{
    char **lines = line_texts(m, d);
    bl_entry *entries = svc_xcalloc(d->len ? d->len : 1, sizeof *entries);
    size_t n = 0;
    svc_map *seen = svc_map_new();
    for (size_t i = 0; i < d->len; i++) {
        const svc_diagnostic *x = &d->items[i];
        char *key = diagnostic_key(x, lines[i]);
        void *hit = svc_map_get(seen, key);
        if (hit) {
            entries[(uintptr_t)hit - 1].count++;
        } else {
            bl_entry *e = &entries[n++];
            e->code = svc_utf8_repaired(x->rule->code);
            e->path = svc_utf8_repaired(x->path);
            e->context = x->context ? svc_utf8_repaired(x->context) : NULL;
            e->line_text = lines[i];
            lines[i] = NULL;
            e->count = 1;
            svc_map_put(seen, key, (void *)(uintptr_t)n);
        }
        free(key);
    }
    svc_map_free(seen);
    free_strings(lines, d->len);
    qsort(entries, n, sizeof *entries, compare_entries);

    json_t *jentries = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "code", json_string(entries[i].code));
        json_object_set_new(o, "path", json_string(entries[i].path));
        json_object_set_new(o, "context", entries[i].context ? json_string(entries[i].context) : json_null());
        json_object_set_new(o, "line_text", json_string(entries[i].line_text));
        json_object_set_new(o, "count", json_integer(entries[i].count));
        json_array_append_new(jentries, o);
    }
    free_entries(entries, n);
    json_t *root = json_object();
    json_object_set_new(root, "version", json_integer(BASELINE_VERSION));
    json_object_set_new(root, "tool", json_string(BASELINE_TOOL));
    json_object_set_new(root, "entries", jentries);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text) svc_out_of_memory(0);
    char *out = svc_xasprintf("%s\n", text);
    free(text);
    return out;
}

/* Writes all of `text` to `fd`; false with errno set on failure. */
static bool write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, text, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        text += w;
        len -= (size_t)w;
    }
    return true;
}

int svc_baseline_write(const char *path, const svc_model *m, const svc_diagnostics *d, svc_error *err)
{
    static const svc_diagnostics none = { 0 };
    if (!d) d = &none;
    char *text = baseline_json(m, d);

    /* A temporary file beside the target, so the rename is atomic on the same file system. */
    const char *slash = strrchr(path, '/');
    char *tmp = slash ? svc_xasprintf("%.*s/.%s.tmp-XXXXXX", (int)(slash - path), path, slash + 1)
                      : svc_xasprintf(".%s.tmp-XXXXXX", path);
    int rc = SVC_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = svc_error_set(err, SVC_EIO, "cannot write baseline %s: %s", path, strerror(errno));
        goto out;
    }
    /* mkstemp makes it 0600: keep the mode of the file it replaces, or the usual 0666 & ~umask. */
    struct stat st;
    mode_t mode;
    if (stat(path, &st) == 0) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(fd, mode) < 0 || !write_all(fd, text, strlen(text)) || fsync(fd) < 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        rc = svc_error_set(err, SVC_EIO, "cannot write baseline %s: %s", path, strerror(e));
        goto out;
    }
    if (close(fd) < 0) {
        int e = errno;
        unlink(tmp);
        rc = svc_error_set(err, SVC_EIO, "cannot write baseline %s: %s", path, strerror(e));
        goto out;
    }
    if (rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        rc = svc_error_set(err, SVC_EIO, "cannot write baseline %s: %s", path, strerror(e));
        goto out;
    }
    /* Make the rename itself durable; failing to is not worth an error. */
    char *dir = slash ? svc_xstrndup(path, (size_t)(slash - path)) : svc_xstrdup(".");
    int dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(dir);
out:
    free(tmp);
    free(text);
    return rc;
}

/* ---- loading --------------------------------------------------------------------------- */

void svc_baseline_free(svc_baseline *b)
{
    if (!b) return;
    free_entries(b->entries, b->nentries);
    svc_map_free(b->index);
    free(b);
}

static int bad_entry(svc_error *err, const char *path, size_t i, const char *what)
{
    return svc_error_set(err, SVC_EUSAGE, "%s: not a valid svcscope baseline: entries[%zu]: %s", path, i, what);
}

int svc_baseline_load(svc_baseline **out, const char *path, svc_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return svc_error_set(err, SVC_EIO, "cannot read baseline %s: %s", path, strerror(errno));
    svc_buf text = { 0 };
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) svc_buf_append(&text, chunk, n);
    bool failed = ferror(f);
    int read_errno = errno;
    fclose(f);
    if (failed) {
        svc_buf_free(&text);
        return svc_error_set(err, SVC_EIO, "cannot read baseline %s: %s", path, strerror(read_errno));
    }

    json_error_t jerr;
    json_t *root = json_loadb(text.data ? text.data : "", text.len, 0, &jerr);
    svc_buf_free(&text);
    if (!root)
        return svc_error_set(err, SVC_EUSAGE, "%s:%d:%d: not a valid svcscope baseline: %s", path, jerr.line,
                             jerr.column, jerr.text);

    int rc = SVC_OK;
    svc_baseline *b = NULL;
    if (!json_is_object(root)) {
        rc = svc_error_set(err, SVC_EUSAGE,
                           "%s: not a svcscope baseline: expected a JSON object with \"tool\": \"svcscope\" "
                           "(write one with --write-baseline)",
                           path);
        goto out;
    }
    json_t *tool = json_object_get(root, "tool");
    if (!json_is_string(tool) || strcmp(json_string_value(tool), BASELINE_TOOL) != 0) {
        if (json_is_string(tool))
            rc = svc_error_set(err, SVC_EUSAGE, "%s: not a svcscope baseline: \"tool\" is \"%s\", not \"svcscope\"",
                               path, json_string_value(tool));
        else
            rc = svc_error_set(err, SVC_EUSAGE,
                               "%s: not a svcscope baseline: no \"tool\": \"svcscope\" (write one with --write-baseline)",
                               path);
        goto out;
    }
    json_t *version = json_object_get(root, "version");
    if (!json_is_integer(version)) {
        rc = svc_error_set(err, SVC_EUSAGE, "%s: not a valid svcscope baseline: \"version\" must be an integer", path);
        goto out;
    }
    if (json_integer_value(version) != BASELINE_VERSION) {
        rc = svc_error_set(err, SVC_EUSAGE, "%s: baseline version %lld is not supported (this svcscope reads version %d)",
                           path, (long long)json_integer_value(version), BASELINE_VERSION);
        goto out;
    }
    json_t *entries = json_object_get(root, "entries");
    if (!json_is_array(entries)) {
        rc = svc_error_set(err, SVC_EUSAGE, "%s: not a valid svcscope baseline: \"entries\" must be an array", path);
        goto out;
    }

    b = svc_xcalloc(1, sizeof *b);
    b->index = svc_map_new();
    size_t count = json_array_size(entries);
    b->entries = svc_xcalloc(count ? count : 1, sizeof *b->entries);
    for (size_t i = 0; i < count; i++) {
        json_t *e = json_array_get(entries, i);
        if (!json_is_object(e)) {
            rc = bad_entry(err, path, i, "must be an object");
            goto out;
        }
        json_t *code = json_object_get(e, "code"), *epath = json_object_get(e, "path"),
               *context = json_object_get(e, "context"), *line = json_object_get(e, "line_text"),
               *ecount = json_object_get(e, "count");
        if (!json_is_string(code) || !*json_string_value(code)) {
            rc = bad_entry(err, path, i, "\"code\" must be a rule code such as \"SVC201\"");
            goto out;
        }
        if (!json_is_string(epath) || !*json_string_value(epath)) {
            rc = bad_entry(err, path, i, "\"path\" must be a non-empty string");
            goto out;
        }
        if (context && !json_is_null(context) && !json_is_string(context)) {
            rc = bad_entry(err, path, i, "\"context\" must be a string or null");
            goto out;
        }
        if (!json_is_string(line)) {
            rc = bad_entry(err, path, i, "\"line_text\" must be a string");
            goto out;
        }
        if (!json_is_integer(ecount) || json_integer_value(ecount) < 1) {
            rc = bad_entry(err, path, i, "\"count\" must be a positive integer");
            goto out;
        }
        const char *ctx = json_is_string(context) ? json_string_value(context) : NULL;
        char *key = entry_key(json_string_value(code), json_string_value(epath), ctx, json_string_value(line));
        void *hit = svc_map_get(b->index, key);
        if (hit) {
            /* The same key twice (a hand-merged file): the counts add up. */
            b->entries[(uintptr_t)hit - 1].count += json_integer_value(ecount);
        } else {
            bl_entry *be = &b->entries[b->nentries++];
            be->code = svc_xstrdup(json_string_value(code));
            be->path = svc_xstrdup(json_string_value(epath));
            be->context = ctx ? svc_xstrdup(ctx) : NULL;
            be->line_text = svc_xstrdup(json_string_value(line));
            be->count = json_integer_value(ecount);
            svc_map_put(b->index, key, (void *)(uintptr_t)b->nentries);
        }
        free(key);
    }
out:
    json_decref(root);
    if (rc != SVC_OK) {
        svc_baseline_free(b);
        return rc;
    }
    *out = b;
    return SVC_OK;
}

/* ---- filtering ------------------------------------------------------------------------- */

void svc_baseline_filter(const svc_baseline *b, const svc_model *m, svc_diagnostics *d)
{
    if (!b || !d || !d->len || !b->nentries) return;
    char **lines = line_texts(m, d);
    size_t nlines = d->len;
    long long *left = svc_xmalloc(b->nentries * sizeof *left);
    for (size_t i = 0; i < b->nentries; i++) left[i] = b->entries[i].count;
    size_t kept = 0;
    for (size_t i = 0; i < d->len; i++) {
        char *key = diagnostic_key(&d->items[i], lines[i]);
        void *hit = svc_map_get(b->index, key);
        free(key);
        if (hit && left[(uintptr_t)hit - 1] > 0) {
            left[(uintptr_t)hit - 1]--;
            continue;
        }
        d->items[kept++] = d->items[i];
    }
    d->len = kept;
    free(left);
    free_strings(lines, nlines);
}

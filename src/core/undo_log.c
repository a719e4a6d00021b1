/*
 * The undo history: see undo_log.h.
 *
 * <undo dir>/<id>/ holds one batch, ids being zero-padded sequence numbers (newest = highest):
 *   data     the bytes, one after the other
 *   record   what they are (below); written after the data, flushed, before any file of the
 *            batch is touched: a record always describes a complete data file
 *   done     present once the batch was written whole (absent: it was interrupted)
 * Record, one item a line:
 *   svcscope-undo 2
 *   root <path>  data <name>  staged 0|1  when <epoch>  fixes <n>  what <text>
 *   dir <path>                  (folders the batch created, removed by undo when empty)
 *   file <path>
 *   wt <before> <after>         "-" absent, else <octal mode>@<offset>+<length> in the data file
 *   ix <before> <after>         (staged only) "-" no entry, else <octal mode>:<blob id>[/<flags>],
 *                               the before one with @<offset>+<length> (the raw blob)
 *   end
 * Texts are percent-escaped (bytes <= space, '%' and 0x7f). Version 1 (one record and data file
 * directly in the undo dir, no flags) is moved into the history as its oldest batch.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/undo_log.h"

typedef SVC_VEC(char *) strvec;

static void strvec_free(strvec *v)
{
    for (size_t i = 0; i < v->len; i++) free(v->items[i]);
    svc_vec_free(v);
}

void svc_undo_batch_free(svc_undo_batch *b)
{
    for (size_t i = 0; i < b->t.len; i++) {
        svc_undo_path *t = &b->t.items[i];
        free(t->path);
        for (int s = 0; s < 2; s++) {
            free(t->wt[s].bytes);
            free(t->ixraw[s]);
        }
    }
    svc_vec_free(&b->t);
    for (size_t i = 0; i < b->dirs.len; i++) free(b->dirs.items[i]);
    svc_vec_free(&b->dirs);
    free(b->root);
    free(b->what);
    free(b->id);
    memset(b, 0, sizeof *b);
}

/* ---- the record's text ------------------------------------------------------------------- */

static void put_escaped(svc_buf *b, const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        if (*u <= ' ' || *u == '%' || *u == 0x7f) svc_buf_printf(b, "%%%02X", *u);
        else svc_buf_putc(b, (char)*u);
    }
}

static char *unescape(const char *s)
{
    svc_buf b = { 0 };
    for (; *s; s++) {
        unsigned v;
        if (*s == '%' && s[1] && s[2] && sscanf(s + 1, "%2x", &v) == 1) {
            svc_buf_putc(&b, (char)v);
            s += 2;
        } else {
            svc_buf_putc(&b, *s);
        }
    }
    return b.data ? svc_buf_detach(&b) : svc_xstrdup("");
}

/* Appends bytes to the data and writes "@offset+length". */
static void put_range(svc_buf *m, svc_buf *data, const char *bytes, size_t len)
{
    svc_buf_printf(m, "@%zu+%zu", data->len, len);
    svc_buf_append(data, bytes, len);
}

static void put_ix(svc_buf *m, svc_buf *data, const svc_ix_entry *e, const char *raw, size_t len, bool with_bytes)
{
    if (e->state != SVC_IX_ENTRY) {
        svc_buf_puts(m, "-");
        return;
    }
    svc_buf_printf(m, "%o:", (unsigned)e->mode);
    for (int i = 0; i < 20; i++) svc_buf_printf(m, "%02x", e->oid[i]);
    if (e->flags) svc_buf_printf(m, "/%x", e->flags);
    if (with_bytes) put_range(m, data, raw, len);
}

/* Reads "@offset+length" at *p out of the data (NULL data: only the length, no bytes). */
static bool take_range(const char **p, const char *data, size_t datalen, char **bytes, size_t *len)
{
    size_t o, n;
    int used = 0;
    if (sscanf(*p, "@%zu+%zu%n", &o, &n, &used) != 2) return false;
    *p += used;
    *len = n;
    if (!data) return true;
    if (o > datalen || n > datalen - o) return false;
    *bytes = svc_xmalloc(n + 1);
    if (n) memcpy(*bytes, data + o, n);
    (*bytes)[n] = '\0';
    return true;
}

static bool parse_wt(const char *tok, svc_file_state *w, const char *data, size_t datalen)
{
    memset(w, 0, sizeof *w);
    if (strcmp(tok, "-") == 0) return true;
    unsigned mode;
    int used = 0;
    if (sscanf(tok, "%o%n", &mode, &used) != 1) return false;
    const char *p = tok + used;
    w->exists = true;
    w->mode = mode & 07777;
    return take_range(&p, data, datalen, &w->bytes, &w->len) && !*p;
}

static bool parse_ix(const char *tok, svc_ix_entry *e, char **raw, size_t *len, const char *data, size_t datalen)
{
    memset(e, 0, sizeof *e);
    if (strcmp(tok, "-") == 0) return true;
    unsigned mode;
    char hex[41];
    int used = 0;
    if (sscanf(tok, "%o:%40[0-9a-f]%n", &mode, hex, &used) != 2 || strlen(hex) != 40) return false;
    e->state = SVC_IX_ENTRY;
    e->mode = mode;
    for (int i = 0; i < 20; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        e->oid[i] = (unsigned char)v;
    }
    const char *p = tok + used;
    if (*p == '/') {
        unsigned flags;
        int n = 0;
        if (sscanf(p, "/%x%n", &flags, &n) != 1) return false;
        e->flags = flags;
        p += n;
    }
    if (!*p) return !raw;
    return raw && take_range(&p, data, datalen, raw, len) && !*p;
}

/* ---- folders of the history ------------------------------------------------------------------ */

static bool is_id(const char *name)
{
    if (!*name) return false;
    for (const char *s = name; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

static int compare_desc(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a); /* same width: text order is number order */
}

/* The batch ids, newest first. */
static void list_ids(const char *undo_dir, strvec *ids)
{
    DIR *d = opendir(undo_dir);
    if (!d) return;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL)
        if (is_id(ent->d_name)) svc_vec_push(ids, svc_xstrdup(ent->d_name));
    closedir(d);
    if (ids->len > 1) qsort(ids->items, ids->len, sizeof *ids->items, compare_desc);
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    strvec names = { 0 };
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL)
        if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
            svc_vec_push(&names, svc_xasprintf("%s/%s", dir, ent->d_name));
    closedir(d);
    for (size_t i = 0; i < names.len; i++) unlink(names.items[i]);
    strvec_free(&names);
    rmdir(dir);
}

void svc_undo_forget(const char *undo_dir, const char *id)
{
    if (!id) return;
    char *dir = svc_xasprintf("%s/%s", undo_dir, id);
    /* The record first: a half-removed batch must not look like one to undo. */
    char *record = svc_xasprintf("%s/record", dir);
    unlink(record);
    free(record);
    svc_file_fsync_dir(dir);
    remove_tree(dir);
    free(dir);
    svc_file_fsync_dir(undo_dir);
}

/* A version 1 record (directly in the undo dir) becomes the oldest batch of the history. */
static void adopt_version1(const char *undo_dir)
{
    char *record = svc_xasprintf("%s/record", undo_dir);
    char *text = NULL;
    size_t len = 0;
    struct stat st;
    if (svc_file_read(record, &text, &len, &st) != 0) {
        free(record);
        return;
    }
    char *dir = svc_xasprintf("%s/000000", undo_dir);
    bool made = mkdir(dir, 0700) == 0;
    const char *data_line = strstr(text, "\ndata ");
    if (made && data_line) {
        char *name = svc_xstrndup(data_line + 6, strcspn(data_line + 6, "\n"));
        if (!strchr(name, '/')) {
            char *from = svc_xasprintf("%s/%s", undo_dir, name), *to = svc_xasprintf("%s/%s", dir, name);
            rename(from, to);
            free(from);
            free(to);
        }
        free(name);
        char *to = svc_xasprintf("%s/record", dir), *done = svc_xasprintf("%s/done", dir);
        svc_error ignored = SVC_ERROR_INIT;
        svc_file_write_atomic(done, "", 0, 0600, true, false, &ignored);
        rename(record, to);
        svc_file_fsync_dir(dir);
        svc_file_fsync_dir(undo_dir);
        free(to);
        free(done);
    }
    free(dir);
    free(text);
    free(record);
}

/* ---- writing ------------------------------------------------------------------------------- */

int svc_undo_begin(const char *undo_dir, svc_undo_batch *b, svc_error *err)
{
    if (svc_file_mkdir_p(undo_dir, err) < 0) return err->code;
    adopt_version1(undo_dir);
    strvec ids = { 0 };
    list_ids(undo_dir, &ids);
    unsigned long long next = ids.len ? strtoull(ids.items[0], NULL, 10) + 1 : 1;
    strvec_free(&ids);
    char *dir = NULL;
    for (;; next++) {
        free(b->id);
        b->id = svc_xasprintf("%06llu", next);
        free(dir);
        dir = svc_xasprintf("%s/%s", undo_dir, b->id);
        if (mkdir(dir, 0700) == 0) break;
        if (errno != EEXIST) {
            int rc = svc_error_set(err, SVC_EIO, "cannot write the undo record: %s: %s", dir, strerror(errno));
            free(dir);
            return rc;
        }
    }
    svc_buf m = { 0 }, data = { 0 };
    svc_buf_puts(&m, "svcscope-undo 2\nroot ");
    put_escaped(&m, b->root);
    svc_buf_printf(&m, "\ndata data\nstaged %d\nwhen %lld\nfixes %zu\nwhat ", b->staged ? 1 : 0, b->when, b->nfixes);
    put_escaped(&m, b->what ? b->what : "");
    svc_buf_putc(&m, '\n');
    for (size_t i = 0; i < b->dirs.len; i++) {
        svc_buf_puts(&m, "dir ");
        put_escaped(&m, b->dirs.items[i]);
        svc_buf_putc(&m, '\n');
    }
    for (size_t i = 0; i < b->t.len; i++) {
        const svc_undo_path *t = &b->t.items[i];
        svc_buf_puts(&m, "file ");
        put_escaped(&m, t->path);
        svc_buf_puts(&m, "\nwt");
        for (int s = 0; s < 2; s++) {
            svc_buf_putc(&m, ' ');
            if (!t->wt[s].exists) {
                svc_buf_puts(&m, "-");
                continue;
            }
            svc_buf_printf(&m, "%o", (unsigned)t->wt[s].mode);
            put_range(&m, &data, t->wt[s].bytes, t->wt[s].len);
        }
        svc_buf_putc(&m, '\n');
        if (t->ix_touch) {
            svc_buf_puts(&m, "ix ");
            put_ix(&m, &data, &t->ix[0], t->ixraw[0], t->ixrawlen[0], true);
            svc_buf_putc(&m, ' ');
            put_ix(&m, &data, &t->ix[1], NULL, 0, false);
            svc_buf_putc(&m, '\n');
        }
    }
    svc_buf_puts(&m, "end\n");

    char *data_path = svc_xasprintf("%s/data", dir), *record = svc_xasprintf("%s/record", dir);
    svc_error e = SVC_ERROR_INIT;
    int rc = svc_file_write_atomic(data_path, data.data ? data.data : "", data.len, 0600, false, false, &e);
    if (rc == 0) rc = svc_file_write_atomic(record, m.data, m.len, 0600, false, true, &e);
    if (rc < 0) {
        svc_error_set(err, rc, "cannot write the undo record: %s", e.message);
        remove_tree(dir);
    } else {
        svc_file_fsync_dir(undo_dir); /* the batch's folder itself */
    }
    free(data_path);
    free(record);
    free(dir);
    svc_buf_free(&m);
    svc_buf_free(&data);
    return rc;
}

void svc_undo_complete(const char *undo_dir, const svc_undo_batch *b)
{
    char *done = svc_xasprintf("%s/%s/done", undo_dir, b->id);
    svc_error ignored = SVC_ERROR_INIT;
    svc_file_write_atomic(done, "", 0, 0600, true, true, &ignored);
    free(done);
    strvec ids = { 0 };
    list_ids(undo_dir, &ids);
    for (size_t i = SVC_UNDO_HISTORY; i < ids.len; i++) svc_undo_forget(undo_dir, ids.items[i]);
    strvec_free(&ids);
}

/* ---- reading ------------------------------------------------------------------------------- */

/* Reads batch `id`; with_bytes false: everything but the bytes. 0; SVC_ENOTFOUND: no record (a
 * batch whose recording was cut short: it never touched a file); SVC_EIO: the record or its data
 * cannot be read, or the record is not one svcscope wrote whole ("not a readable undo record").
 * Whether the text parses is kept apart from `rc`, which holds only SVC_* codes. */
static int read_batch(const char *undo_dir, const char *id, bool with_bytes, svc_undo_batch *b, svc_error *err)
{
    memset(b, 0, sizeof *b);
    char *dir = svc_xasprintf("%s/%s", undo_dir, id);
    char *record = svc_xasprintf("%s/record", dir);
    char *text = NULL, *data = NULL;
    size_t len = 0, datalen = 0;
    struct stat st;
    int e = svc_file_read(record, &text, &len, &st);
    free(record);
    if (e) {
        free(dir);
        if (e == ENOENT) return SVC_ENOTFOUND;
        return svc_error_set(err, SVC_EIO, "%s/%s/record: %s", undo_dir, id, strerror(e));
    }
    int rc = 0, version = 0;
    bool readable = true, ended = false, has_data = false;
    svc_undo_path *cur = NULL;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && rc == 0 && readable;
         line = strtok_r(NULL, "\n", &save)) {
        if (!version) {
            if (strcmp(line, "svcscope-undo 1") == 0) version = 1;
            else if (strcmp(line, "svcscope-undo 2") == 0) version = 2;
            else readable = false;
            continue;
        }
        char *tok[3] = { NULL, NULL, NULL };
        int n = 0;
        for (char *q = line; *q && n < 3;) {
            tok[n++] = q;
            char *sp = strchr(q, ' ');
            if (!sp) break;
            *sp = '\0';
            q = sp + 1;
        }
        const char *key = tok[0] ? tok[0] : "";
        if (strcmp(key, "root") == 0 && n == 2) {
            free(b->root);
            b->root = unescape(tok[1]);
        } else if (strcmp(key, "data") == 0 && n == 2 && !strchr(tok[1], '/') && !has_data) {
            has_data = true;
            if (with_bytes) {
                char *path = svc_xasprintf("%s/%s", dir, tok[1]);
                int de = svc_file_read(path, &data, &datalen, &st);
                free(path);
                if (de) {
                    rc = svc_error_set(err, SVC_EIO, "%s/%s: the undo record is incomplete: %s", dir, tok[1],
                                       strerror(de));
                    break;
                }
            }
        } else if (strcmp(key, "staged") == 0 && n == 2) {
            b->staged = strcmp(tok[1], "1") == 0;
        } else if (strcmp(key, "when") == 0 && n == 2) {
            b->when = strtoll(tok[1], NULL, 10);
        } else if (strcmp(key, "fixes") == 0 && n == 2) {
            b->nfixes = (size_t)strtoull(tok[1], NULL, 10);
        } else if (strcmp(key, "what") == 0 && n <= 2) {
            free(b->what);
            b->what = unescape(n == 2 ? tok[1] : "");
        } else if (strcmp(key, "dir") == 0 && n == 2) {
            svc_vec_push(&b->dirs, unescape(tok[1]));
        } else if (strcmp(key, "file") == 0 && n == 2) {
            svc_undo_path t;
            memset(&t, 0, sizeof t);
            t.path = unescape(tok[1]);
            svc_vec_push(&b->t, t);
            cur = &b->t.items[b->t.len - 1];
        } else if (strcmp(key, "wt") == 0 && n == 3 && cur && has_data) {
            if (!parse_wt(tok[1], &cur->wt[0], data, datalen) || !parse_wt(tok[2], &cur->wt[1], data, datalen))
                readable = false;
        } else if (strcmp(key, "ix") == 0 && n == 3 && cur && has_data) {
            cur->ix_touch = true;
            if (!parse_ix(tok[1], &cur->ix[0], with_bytes ? &cur->ixraw[0] : NULL, &cur->ixrawlen[0], data,
                          datalen) ||
                !parse_ix(tok[2], &cur->ix[1], NULL, NULL, data, datalen)) {
                if (with_bytes) readable = false; /* without them, the staged bytes' range is not read */
            }
        } else if (strcmp(key, "end") == 0) {
            ended = true;
        } else {
            readable = false;
        }
    }
    free(text);
    free(data);
    if (rc == 0 && (!readable || !ended || !b->root || !has_data))
        rc = svc_error_set(err, SVC_EIO, "%s/%s/record: not a readable undo record", undo_dir, id);
    if (rc == 0) {
        b->id = svc_xstrdup(id);
        char *done = svc_xasprintf("%s/done", dir);
        b->complete = access(done, F_OK) == 0;
        free(done);
    } else {
        svc_undo_batch_free(b);
    }
    free(dir);
    return rc;
}

int svc_undo_newest(const char *undo_dir, svc_undo_batch *b, svc_error *err)
{
    memset(b, 0, sizeof *b);
    adopt_version1(undo_dir);
    strvec ids = { 0 };
    list_ids(undo_dir, &ids);
    int rc = SVC_ENOTFOUND;
    for (size_t i = 0; i < ids.len && rc == SVC_ENOTFOUND; i++) {
        rc = read_batch(undo_dir, ids.items[i], true, b, err);
        if (rc == SVC_ENOTFOUND) svc_undo_forget(undo_dir, ids.items[i]); /* its recording was cut short */
    }
    strvec_free(&ids);
    if (rc == SVC_ENOTFOUND)
        return svc_error_set(err, SVC_ENOTFOUND, "nothing to undo: no fix batch is recorded in %s", undo_dir);
    return rc;
}

int svc_undo_list_batches(const char *undo_dir, svc_undo_batch **out, size_t *n, svc_error *err)
{
    *out = NULL;
    *n = 0;
    adopt_version1(undo_dir);
    strvec ids = { 0 };
    list_ids(undo_dir, &ids);
    SVC_VEC(svc_undo_batch) list = { 0 };
    int rc = 0;
    for (size_t i = 0; i < ids.len && rc == 0; i++) {
        svc_undo_batch b;
        int r = read_batch(undo_dir, ids.items[i], false, &b, err);
        if (r == 0) svc_vec_push(&list, b);
        else if (r != SVC_ENOTFOUND) rc = r;
    }
    strvec_free(&ids);
    if (rc < 0) {
        for (size_t i = 0; i < list.len; i++) svc_undo_batch_free(&list.items[i]);
        svc_vec_free(&list);
        return rc;
    }
    *out = list.items;
    *n = list.len;
    return 0;
}

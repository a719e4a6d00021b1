/*
 * The preview of a fix batch: a unified diff, git style, of what svc_fix_apply (without staging)
 * would change (see fix.h svc_fix_diff). The hunks come from the planned edits themselves rather
 * than from comparing old and new text: each group of edits is widened to whole lines, the lines
 * that come out unchanged at its ends become context, and groups at most 6 lines apart share a
 * hunk (3 lines of context on each side).
 */
#include <stdlib.h>
#include <string.h>

#include "core/fix_plan.h"
#include "core/line_starts.h"
#include "svcscope/fix.h"
#include "svcscope/quote.h"
#include "svcscope/util.h"

typedef struct lines {
    size_t *starts; /* starts[i] of line i; starts[n] = the length */
    size_t n;
} lines;

static void lines_of(lines *l, const char *text, size_t len)
{
    l->starts = svc_line_starts(text, len, &l->n);
}

/* The line holding `byte`; the end of the file belongs to the last line when it has no newline. */
static size_t line_of(const lines *l, const char *text, size_t len, size_t byte)
{
    if (byte >= len) return len && text[len - 1] != '\n' ? l->n - 1 : l->n;
    return svc_line_at(l->starts, l->n, byte);
}

static void put_line(svc_buf *out, char mark, const char *s, size_t n)
{
    svc_buf_putc(out, mark);
    svc_buf_append(out, s, n);
    if (!n || s[n - 1] != '\n') svc_buf_puts(out, "\n\\ No newline at end of file\n");
}

typedef struct dgroup {
    size_t old_first, old_count; /* the old lines replaced */
    char *text;                  /* by these lines */
    size_t textlen;
    lines nl;
} dgroup;

/* [a, b) of old with edits[i..j) applied. */
static void apply_range(svc_buf *nb, const char *old, size_t a, size_t b, const svc_plan_edit *edits, size_t i, size_t j)
{
    nb->len = 0;
    size_t at = a;
    for (size_t k = i; k < j; k++) {
        svc_buf_append(nb, old + at, edits[k].start - at);
        svc_buf_append(nb, edits[k].text, edits[k].textlen);
        at = edits[k].end;
    }
    svc_buf_append(nb, old + at, b - at);
}

static bool same_line(const char *x, const lines *lx, size_t ix, const char *y, const lines *ly, size_t iy)
{
    size_t nx = lx->starts[ix + 1] - lx->starts[ix], ny = ly->starts[iy + 1] - ly->starts[iy];
    return nx == ny && memcmp(x + lx->starts[ix], y + ly->starts[iy], nx) == 0;
}

/* The hunks (3 lines of context, close ones merged) of `old` changed by `edits` (sorted, apart). */
static void diff_hunks(svc_buf *out, const char *old, size_t oldlen, const svc_plan_edit *edits, size_t nedits)
{
    lines ol;
    lines_of(&ol, old, oldlen);
    SVC_VEC(dgroup) groups = { 0 };
    svc_buf nb = { 0 };
    for (size_t i = 0; i < nedits;) {
        /* Whole lines around edits[i..j): from the start of the first one's line to a line end. */
        size_t a = ol.starts[line_of(&ol, old, oldlen, edits[i].start)];
        size_t b = a, j = i;
        for (;;) {
            while (j < nedits && (j == i || edits[j].start < b)) {
                const svc_plan_edit *e = &edits[j];
                size_t eb;
                if (e->end >= oldlen) eb = oldlen;
                else if (e->end > a && old[e->end - 1] == '\n') eb = e->end;
                else eb = ol.starts[line_of(&ol, old, oldlen, e->end) + 1];
                if (eb > b) b = eb;
                j++;
            }
            apply_range(&nb, old, a, b, edits, i, j);
            /* the replacement must end a line too, or it runs into the next one */
            if (nb.len && nb.data[nb.len - 1] != '\n' && b < oldlen) {
                b = ol.starts[line_of(&ol, old, oldlen, b) + 1];
                continue;
            }
            break;
        }
        dgroup g;
        memset(&g, 0, sizeof g);
        g.textlen = nb.len;
        g.text = svc_xmalloc(nb.len + 1);
        if (nb.len) memcpy(g.text, nb.data, nb.len);
        g.text[nb.len] = '\0';
        lines_of(&g.nl, g.text, g.textlen);
        size_t o0 = a < oldlen ? line_of(&ol, old, oldlen, a) : ol.n;
        size_t o1 = b < oldlen ? line_of(&ol, old, oldlen, b) : ol.n;
        size_t n0 = 0, n1 = g.nl.n;
        /* lines that did not change, at both ends, are context */
        while (o0 < o1 && n0 < n1 && same_line(old, &ol, o0, g.text, &g.nl, n0)) o0++, n0++;
        while (o0 < o1 && n0 < n1 && same_line(old, &ol, o1 - 1, g.text, &g.nl, n1 - 1)) o1--, n1--;
        if (o0 < o1 || n0 < n1) {
            size_t from = g.nl.starts[n0], to = g.nl.starts[n1];
            memmove(g.text, g.text + from, to - from);
            g.textlen = to - from;
            free(g.nl.starts);
            lines_of(&g.nl, g.text, g.textlen);
            g.old_first = o0;
            g.old_count = o1 - o0;
            svc_vec_push(&groups, g);
        } else {
            free(g.text);
            free(g.nl.starts);
        }
        i = j;
    }
    svc_buf_free(&nb);

    long delta = 0;
    for (size_t gi = 0; gi < groups.len;) {
        size_t gj = gi + 1;
        while (gj < groups.len &&
               groups.items[gj].old_first <= groups.items[gj - 1].old_first + groups.items[gj - 1].old_count + 6)
            gj++;
        const dgroup *first = &groups.items[gi], *last = &groups.items[gj - 1];
        size_t h0 = first->old_first >= 3 ? first->old_first - 3 : 0;
        size_t h1 = last->old_first + last->old_count + 3;
        if (h1 > ol.n) h1 = ol.n;
        size_t old_count = h1 - h0, new_count = old_count;
        for (size_t g = gi; g < gj; g++) new_count = new_count - groups.items[g].old_count + groups.items[g].nl.n;
        size_t new_start = (size_t)((long)h0 + delta);
        svc_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", old_count ? h0 + 1 : h0, old_count,
                       new_count ? new_start + 1 : new_start, new_count);
        size_t at = h0;
        for (size_t g = gi; g < gj; g++) {
            const dgroup *d = &groups.items[g];
            for (; at < d->old_first; at++) put_line(out, ' ', old + ol.starts[at], ol.starts[at + 1] - ol.starts[at]);
            for (size_t k = 0; k < d->old_count; k++, at++)
                put_line(out, '-', old + ol.starts[at], ol.starts[at + 1] - ol.starts[at]);
            for (size_t k = 0; k < d->nl.n; k++)
                put_line(out, '+', d->text + d->nl.starts[k], d->nl.starts[k + 1] - d->nl.starts[k]);
            delta += (long)d->nl.n - (long)d->old_count;
        }
        for (; at < h1; at++) put_line(out, ' ', old + ol.starts[at], ol.starts[at + 1] - ol.starts[at]);
        gi = gj;
    }
    for (size_t g = 0; g < groups.len; g++) {
        free(groups.items[g].text);
        free(groups.items[g].nl.starts);
    }
    svc_vec_free(&groups);
    free(ol.starts);
}

/* `before` + prefix + path + `after`, the path quoted as git quotes it in diff headers (and as
 * git apply reads it back), so that a file name cannot reach a terminal raw. */
static void put_git_header(svc_buf *out, const char *before, const char *prefix, const char *path, const char *after)
{
    char *name = svc_xasprintf("%s%s", prefix, path);
    svc_buf_puts(out, before);
    svc_quote_path_append(out, name);
    svc_buf_puts(out, after);
    free(name);
}

static int compare_file_path(const void *a, const void *b)
{
    return strcmp((*(svc_plan_file *const *)a)->path, (*(svc_plan_file *const *)b)->path);
}

char *svc_fix_diff(const svc_model *model, const svc_fix *const *fixes, size_t nfixes, svc_error *err)
{
    svc_fix_plan p;
    if (svc_fix_plan_open(&p, model, fixes, nfixes, false, err) < 0) {
        svc_fix_plan_free(&p);
        return NULL;
    }
    svc_fix_plan_run(&p);
    SVC_VEC(svc_plan_file *) order = { 0 };
    for (size_t i = 0; i < p.files.len; i++) svc_vec_push(&order, p.files.items[i]);
    if (order.len > 1) qsort(order.items, order.len, sizeof *order.items, compare_file_path);
    svc_buf out = { 0 };
    for (size_t i = 0; i < order.len; i++) {
        svc_plan_file *fs = order.items[i];
        if (svc_fix_plan_creates(&p, fs)) {
            size_t n = strlen(fs->content);
            put_git_header(&out, "diff --git ", "a/", fs->path, " ");
            put_git_header(&out, "", "b/", fs->path, "\nnew file mode 100644\n");
            if (n) {
                put_git_header(&out, "--- /dev/null\n+++ ", "b/", fs->path, "\n");
                lines nl;
                lines_of(&nl, fs->content, n);
                svc_buf_printf(&out, "@@ -0,0 +%s%zu @@\n", nl.n == 1 ? "" : "1,", nl.n);
                for (size_t k = 0; k < nl.n; k++)
                    put_line(&out, '+', fs->content + nl.starts[k], nl.starts[k + 1] - nl.starts[k]);
                free(nl.starts);
            }
            continue;
        }
        if (fs->role == SVC_ROLE_MOVE_TARGET) continue; /* shown with its source */
        bool moved = fs->role == SVC_ROLE_MOVED_AWAY && p.accepted[fs->role_fix];
        svc_plan_edits live;
        svc_fix_plan_live_edits(&p, fs, false, NULL, (size_t)-1, &live);
        if (!moved && !live.len) {
            svc_vec_free(&live);
            continue;
        }
        const char *to = moved ? fs->peer->path : fs->path;
        svc_buf hunks = { 0 };
        diff_hunks(&hunks, fs->bytes, fs->len, live.items, live.len);
        if (moved || hunks.len) {
            put_git_header(&out, "diff --git ", "a/", fs->path, " ");
            put_git_header(&out, "", "b/", to, "\n");
            if (moved) {
                put_git_header(&out, "rename from ", "", fs->path, "\n");
                put_git_header(&out, "rename to ", "", to, "\n");
            }
            if (hunks.len) {
                put_git_header(&out, "--- ", "a/", fs->path, "\n");
                put_git_header(&out, "+++ ", "b/", to, "\n");
                svc_buf_append(&out, hunks.data, hunks.len);
            }
        }
        svc_buf_free(&hunks);
        svc_vec_free(&live);
    }
    svc_vec_free(&order);
    svc_fix_plan_free(&p);
    return out.data ? svc_buf_detach(&out) : svc_xstrdup("");
}

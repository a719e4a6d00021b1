/* The status and hint lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/keys.h"
#include "tui/project.h"
#include "tui/status.h"
#include "tui/text.h"
#include "tui/theme.h"

#define PROGRESS_WIDTH 20

/* "parsing 120/540 [#####.....]" at the right end; returns the columns it took. */
static int draw_progress(int y, int cols, const tui_load_status *load)
{
    char text[96];
    if (load->phase == TUI_LOAD_PARSING && load->total)
        snprintf(text, sizeof text, " %s %zu/%zu ", tui_load_phase_name(load->phase), load->done, load->total);
    else
        snprintf(text, sizeof text, " %s… ", tui_load_phase_name(load->phase));
    int text_w = (int)tui_text_width(text);
    int bar = cols >= 70 ? PROGRESS_WIDTH : 0;
    int width = text_w + (bar ? bar + 1 : 0);
    if (width >= cols) return 0;
    int x = cols - width;
    tui_put(y, x, text_w, text, tui_attr(TUI_EL_STATUS) | A_BOLD);
    if (bar) {
        size_t filled = 0;
        if (load->phase > TUI_LOAD_PARSING) filled = (size_t)bar;
        else if (load->total) filled = load->done * (size_t)bar / load->total;
        for (int i = 0; i < bar; i++)
            tui_put(y, x + text_w + i, 1, (size_t)i < filled ? tui_glyph("█", "#") : tui_glyph("░", "."),
                    tui_attr(TUI_EL_PROGRESS));
    }
    return width;
}

void tui_status_draw(int y, int cols, const tui_status *s)
{
    attr_t attr = tui_attr(TUI_EL_STATUS);
    tui_fill(y, 0, cols, attr);
    int right = s->loading ? draw_progress(y, cols, &s->load) : 0;
    int limit = cols - right;
    char left[512];
    int n = snprintf(left, sizeof left, " %s", s->repo ? s->repo : "svcscope");
    if (s->branch && n > 0 && (size_t)n < sizeof left)
        n += snprintf(left + n, sizeof left - (size_t)n, "  %s%s%s", s->branch, s->head ? "@" : "", s->head ? s->head : "");
    if (s->counts && n > 0 && (size_t)n < sizeof left)
        n += snprintf(left + n, sizeof left - (size_t)n, "  %zu error%s, %zu warning%s, %zu info", s->counts[2],
                      s->counts[2] == 1 ? "" : "s", s->counts[1], s->counts[1] == 1 ? "" : "s", s->counts[0]);
    bool message = s->message && *s->message;
    int message_w = message ? (int)tui_text_width(s->message) : 0;
    if (!message || (int)tui_text_width(left) + 2 + message_w <= limit) {
        int x = tui_put(y, 0, limit, left, attr | A_BOLD);
        if (message) {
            x += tui_put(y, x, limit - x, "  ", attr);
            tui_put(y, x, limit - x, s->message, s->message_is_error ? tui_attr(TUI_EL_STATUS_ERROR) : attr);
        }
        return;
    }
    /* A message that does not fit beside the repository takes the line; one too long for the whole
     * line ends at a word, with the key of the message log, which has it whole. */
    attr_t message_attr = s->message_is_error ? tui_attr(TUI_EL_STATUS_ERROR) : attr;
    int room = limit - 1;
    if (message_w <= room) {
        tui_put(y, 1, room, s->message, message_attr);
        return;
    }
    char keys[64], more[96];
    if (tui_key_label(TUI_REQ_MESSAGES, TUI_SCOPE_GLOBAL, NULL, keys, sizeof keys)) snprintf(more, sizeof more, " … %s: whole", keys);
    else snprintf(more, sizeof more, " …");
    int more_w = (int)tui_text_width(more);
    size_t fits = tui_wrap(s->message, strlen(s->message), room - more_w > 1 ? room - more_w : 1);
    int x = 1 + tui_putn(y, 1, room - more_w, s->message, fits, message_attr);
    tui_put(y, x, limit - x, more, attr | A_BOLD);
}

/* "key label" with the first key that does the request in `scope`: its width, 0 when no key does it there. */
static int hint_width(const tui_request_info *r, tui_scope scope)
{
    char keys[64];
    if (!tui_key_label(r->request, scope, NULL, keys, sizeof keys)) return 0;
    return (int)tui_text_width(keys) + 1 + (int)tui_text_width(r->hint);
}

/* Draws a hint and the two spaces after it at x; returns the columns it took. */
static int draw_hint(int y, int x, int limit, const tui_request_info *r, tui_scope scope)
{
    char keys[64];
    if (!tui_key_label(r->request, scope, NULL, keys, sizeof keys)) return 0;
    int used = tui_put(y, x, limit - x, keys, tui_attr(TUI_EL_HINT_KEY));
    used += tui_put(y, x + used, limit - x - used, " ", tui_attr(TUI_EL_HINT));
    used += tui_put(y, x + used, limit - x - used, r->hint, tui_attr(TUI_EL_HINT));
    used += tui_put(y, x + used, limit - x - used, "  ", tui_attr(TUI_EL_HINT));
    return used;
}

/* A hint on its way to the line: the group decides where it stands, the rank whether it fits. */
typedef struct hint {
    const tui_request_info *info;
    int group;     /* 0 the pane's keys, 1 the keys that apply here now, 2 the others */
    int rank;      /* lower is kept first when the line is short */
    bool shown;
} hint;

static const tui_request_info *info_of(const tui_request_info *reqs, size_t count, tui_request req)
{
    for (size_t i = 0; i < count; i++)
        if (reqs[i].request == req) return &reqs[i];
    return NULL;
}

static bool listed(const tui_request *list, size_t n, tui_request req)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == req) return true;
    return false;
}

/* Help, quit, go to and the next pane lead the global keys: from them a user finds every other one. */
static int global_rank(tui_request req, unsigned flags, size_t index)
{
    if (flags & TUI_REQ_HINT_MINOR) return 6000 + (int)index;
    switch (req) {
    case TUI_REQ_HELP: return 2000;
    case TUI_REQ_QUIT: return 2001;
    case TUI_REQ_GOTO: return 2002;
    case TUI_REQ_NEXT_PANE: return 2003;
    default: return 4000 + (int)index;
    }
}

static int compare_rank(const void *a, const void *b)
{
    const hint *x = *(hint *const *)a, *y = *(hint *const *)b;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/*
 * The line is filled by importance: the pane's keys, then the ones that apply now, help, quit,
 * go to, the next pane, the pane's minor keys, then the global ones in table order and the global
 * minor ones (zoom, reload) last; what does not fit is left out.
 * The hints kept are drawn by group, so a key stays in the same part of the line as focus moves.
 */
void tui_hints_draw(int y, int cols, tui_scope scope, const tui_request *now, size_t nnow)
{
    tui_fill(y, 0, cols, tui_attr(TUI_EL_HINT));
    size_t count;
    const tui_request_info *reqs = tui_requests(&count);
    hint *hints = calloc(count + nnow + 1, sizeof *hints);
    hint **by_rank = calloc(count + nnow + 1, sizeof *by_rank);
    if (!hints || !by_rank) {
        free(hints);
        free(by_rank);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        const tui_request_info *r = &reqs[i];
        bool own = scope != TUI_SCOPE_GLOBAL && r->scope == scope;
        if ((r->scope != scope && r->scope != TUI_SCOPE_GLOBAL) || !(r->flags & TUI_REQ_HINT) || (r->flags & TUI_REQ_HIDDEN))
            continue;
        if (!own && listed(now, nnow, r->request)) continue;
        int rank = own ? ((r->flags & TUI_REQ_HINT_MINOR) ? 3000 : 0) + (int)i : global_rank(r->request, r->flags, i);
        hints[n++] = (hint){ r, own ? 0 : 2, rank, false };
    }
    for (size_t k = 0; k < nnow; k++) {
        const tui_request_info *r = info_of(reqs, count, now[k]);
        bool in_pane_keys = r && r->scope == scope && scope != TUI_SCOPE_GLOBAL && (r->flags & TUI_REQ_HINT);
        /* Fix all is worth less room than help and the next pane; the others of the selection more. */
        int rank = (now[k] == TUI_REQ_FIX_ALL ? 2500 : 1000) + (int)k;
        if (r && r->hint[0] && !in_pane_keys) hints[n++] = (hint){ r, 1, rank, false };
    }
    for (size_t i = 0; i < n; i++) by_rank[i] = &hints[i];
    qsort(by_rank, n, sizeof *by_rank, compare_rank);
    int room = cols - 1 - 2;   /* the margin, and the separator after the pane's keys */
    bool minor_dropped = false;
    for (size_t i = 0; i < n; i++) {
        /* The pane's minor keys go together; a global minor one (zoom) only when there is room. */
        bool minor = by_rank[i]->group == 0 && (by_rank[i]->info->flags & TUI_REQ_HINT_MINOR);
        int w = hint_width(by_rank[i]->info, scope);
        if (w == 0 || (minor && minor_dropped)) continue;
        if (w + 2 <= room) {
            room -= w + 2;
            by_rank[i]->shown = true;
            continue;
        }
        if (!minor && by_rank[i]->rank < 6000) break;   /* the rank is the order of importance: nothing after this one */
        if (!minor) continue;
        /* The minor keys go together (1, 2 and 3 of the problems) or not at all. */
        minor_dropped = true;
        for (size_t k = 0; k < i; k++)
            if (by_rank[k]->group == 0 && (by_rank[k]->info->flags & TUI_REQ_HINT_MINOR) && by_rank[k]->shown) {
                by_rank[k]->shown = false;
                room += hint_width(by_rank[k]->info, scope) + 2;
            }
    }
    int x = 1;
    bool pane_keys = false;
    for (int group = 0; group < 3; group++) {
        for (size_t i = 0; i < n; i++) {
            if (hints[i].group != group || !hints[i].shown) continue;
            if (group > 0 && pane_keys) {
                x += tui_put(y, x, cols - x, tui_glyph("│ ", "| "), tui_attr(TUI_EL_NOTE));
                pane_keys = false;
            }
            x += draw_hint(y, x, cols, hints[i].info, scope);
            if (group == 0) pane_keys = true;
        }
    }
    free(hints);
    free(by_rank);
}

void tui_hints_draw_only(int y, int cols, tui_scope scope, const tui_request *only, size_t n)
{
    tui_fill(y, 0, cols, tui_attr(TUI_EL_HINT));
    size_t count;
    const tui_request_info *reqs = tui_requests(&count);
    int x = 1;
    for (size_t k = 0; k < n; k++) {
        const tui_request_info *r = info_of(reqs, count, only[k]);
        if (!r || !r->hint[0]) continue;
        int w = hint_width(r, scope);
        if (w == 0) continue;
        if (x + w + 2 > cols) return;
        x += draw_hint(y, x, cols, r, scope);
    }
}

void tui_prompt_draw(int y, int cols, const char *label, const char *text)
{
    tui_fill(y, 0, cols, tui_attr(TUI_EL_NORMAL));
    int x = tui_put(y, 0, cols, label, tui_attr(TUI_EL_PROMPT));
    /* Keep the end of a long text in view: that is where typing happens. */
    x += tui_put_tail(y, x, cols - x - 1, text, tui_attr(TUI_EL_NORMAL));
    if (x < cols) move(y, x);
}

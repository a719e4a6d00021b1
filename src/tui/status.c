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
    int x = tui_put(y, 0, limit, left, attr | A_BOLD);
    if (s->message && *s->message && limit - x > 3) {
        x += tui_put(y, x, limit - x, "  ", attr);
        tui_put(y, x, limit - x, s->message, s->message_is_error ? tui_attr(TUI_EL_STATUS_ERROR) : attr);
    }
}

/*
 * "key label  " with the first key that does the request in `scope` (the help lists the others):
 * the columns it took; 0 when it does not fit, -1 when no key does the request there (no hint).
 */
static int draw_hint(int y, int x, int limit, const tui_request_info *r, tui_scope scope)
{
    char keys[64];
    if (!tui_key_label(r->request, scope, NULL, keys, sizeof keys)) return -1;
    int w = (int)tui_text_width(keys) + 1 + (int)tui_text_width(r->hint) + 2;
    if (x + w > limit) return 0;
    int used = tui_put(y, x, limit - x, keys, tui_attr(TUI_EL_HINT_KEY));
    used += tui_put(y, x + used, limit - x - used, " ", tui_attr(TUI_EL_HINT));
    used += tui_put(y, x + used, limit - x - used, r->hint, tui_attr(TUI_EL_HINT));
    used += tui_put(y, x + used, limit - x - used, "  ", tui_attr(TUI_EL_HINT));
    return used;
}

void tui_hints_draw(int y, int cols, tui_scope scope)
{
    tui_fill(y, 0, cols, tui_attr(TUI_EL_HINT));
    size_t count;
    const tui_request_info *reqs = tui_requests(&count);
    int x = 1;
    bool full = false;
    /* The pane's own keys first: they are what changes when focus moves. */
    for (int pass = 0; pass < 2 && !full; pass++) {
        tui_scope want = pass == 0 ? scope : TUI_SCOPE_GLOBAL;
        if (pass == 1 && scope == TUI_SCOPE_GLOBAL) break;
        for (size_t i = 0; i < count && !full; i++) {
            if (reqs[i].scope != want || !(reqs[i].flags & TUI_REQ_HINT) || (reqs[i].flags & TUI_REQ_HIDDEN)) continue;
            /* Stop at the first hint that does not fit: the order is the order of importance. */
            int used = draw_hint(y, x, cols, &reqs[i], scope);
            full = used == 0;
            if (used > 0) x += used;
        }
        if (pass == 0 && scope != TUI_SCOPE_GLOBAL && x > 1 && x + 2 < cols)
            x += tui_put(y, x, cols - x, tui_glyph("│ ", "| "), tui_attr(TUI_EL_NOTE));
    }
}

void tui_hints_draw_only(int y, int cols, tui_scope scope, const tui_request *only, size_t n)
{
    tui_fill(y, 0, cols, tui_attr(TUI_EL_HINT));
    size_t count;
    const tui_request_info *reqs = tui_requests(&count);
    int x = 1;
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < count; i++) {
            if (reqs[i].request != only[k] || !reqs[i].hint[0]) continue;
            int used = draw_hint(y, x, cols, &reqs[i], scope);
            if (used == 0) return;
            if (used > 0) x += used;
        }
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

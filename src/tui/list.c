/* List movement, as in every pager: j/k, pages, half pages, first and last; and sideways. */
#include "tui/list.h"
#include "tui/text.h"

static size_t move_by(size_t at, long delta, size_t count)
{
    if (count == 0) return 0;
    if (delta < 0 && (size_t)-delta > at) return 0;
    size_t to = delta < 0 ? at - (size_t)-delta : at + (size_t)delta;
    return to >= count ? count - 1 : to;
}

void tui_list_fit(tui_list *l, int height)
{
    if (height < 1) height = 1;
    if (l->count == 0) {
        l->selected = l->top = 0;
        return;
    }
    if (l->selected >= l->count) l->selected = l->count - 1;
    if (l->selected < l->top) l->top = l->selected;
    if (l->selected >= l->top + (size_t)height) l->top = l->selected - (size_t)height + 1;
    /* No empty space below the last row when the list could fill the pane. */
    if (l->count >= (size_t)height && l->top > l->count - (size_t)height) l->top = l->count - (size_t)height;
    if (l->count < (size_t)height) l->top = 0;
}

/* Columns a list scrolls sideways per key. */
enum { SIDEWAYS_STEP = 8 };

bool tui_list_request(tui_list *l, tui_request req, int height)
{
    long page = height > 1 ? height - 1 : 1;
    switch (req) {
    case TUI_REQ_LIST_LEFT:
    case TUI_REQ_PROBLEMS_LEFT:
    case TUI_REQ_CALLERS_LEFT: l->hscroll = l->hscroll > SIDEWAYS_STEP ? l->hscroll - SIDEWAYS_STEP : 0; return true;
    case TUI_REQ_LIST_RIGHT:
    case TUI_REQ_PROBLEMS_RIGHT:
    case TUI_REQ_CALLERS_RIGHT:
        /* No further than the widest row needs. */
        l->hscroll = l->hscroll + SIDEWAYS_STEP < l->overflow ? l->hscroll + SIDEWAYS_STEP
                     : l->overflow > l->hscroll                ? l->overflow
                                                               : l->hscroll;
        return true;
    case TUI_REQ_MOVE_DOWN: l->selected = move_by(l->selected, 1, l->count); break;
    case TUI_REQ_MOVE_UP: l->selected = move_by(l->selected, -1, l->count); break;
    case TUI_REQ_PAGE_DOWN:
        l->selected = move_by(l->selected, page, l->count);
        l->top = move_by(l->top, page, l->count);
        break;
    case TUI_REQ_PAGE_UP:
        l->selected = move_by(l->selected, -page, l->count);
        l->top = move_by(l->top, -page, l->count);
        break;
    case TUI_REQ_HALF_PAGE_DOWN:
        l->selected = move_by(l->selected, height / 2 ? height / 2 : 1, l->count);
        l->top = move_by(l->top, height / 2, l->count);
        break;
    case TUI_REQ_HALF_PAGE_UP:
        l->selected = move_by(l->selected, -(height / 2 ? height / 2 : 1), l->count);
        l->top = move_by(l->top, -(height / 2), l->count);
        break;
    case TUI_REQ_MOVE_FIRST: l->selected = 0; break;
    case TUI_REQ_MOVE_LAST: l->selected = l->count ? l->count - 1 : 0; break;
    default: return false;
    }
    tui_list_fit(l, height);
    return true;
}

void tui_list_scroll(tui_list *l, long delta, int height)
{
    if (l->count == 0) return;
    l->top = move_by(l->top, delta, l->count);
    if (l->count >= (size_t)height && l->top > l->count - (size_t)height) l->top = l->count - (size_t)height;
    if (l->selected < l->top) l->selected = l->top;
    if (height > 0 && l->selected >= l->top + (size_t)height) l->selected = l->top + (size_t)height - 1;
    tui_list_fit(l, height);
}

bool tui_list_click(tui_list *l, int row)
{
    if (row < 0 || l->top + (size_t)row >= l->count) return false;
    l->selected = l->top + (size_t)row;
    return true;
}

tui_reaction tui_list_click_activates(tui_list *l, int row, bool twice)
{
    return tui_list_click(l, row) && twice ? TUI_REACT_PANE | TUI_REACT_ACTIVATE : TUI_REACT_PANE;
}

tui_reaction tui_list_wheel(tui_list *l, long lines, int height)
{
    tui_list_scroll(l, lines, height);
    return TUI_REACT_PANE;
}

attr_t tui_list_draw_row(const tui_list *l, size_t at, int y, int x, int w, bool focused)
{
    attr_t sel = at == l->selected ? tui_attr(focused ? TUI_EL_SELECTED_FOCUS : TUI_EL_SELECTED) : 0;
    if (sel) tui_fill(y, x, w, sel);
    return sel;
}

void tui_list_draw_begin(tui_list *l, int height)
{
    tui_list_fit(l, height);
    l->overflow = 0;
}

tui_pen tui_list_pen(const tui_list *l, int y, int x, int cols)
{
    return tui_pen_at(y, x, cols, l->hscroll);
}

void tui_list_pen_end(tui_list *l, const tui_pen *p)
{
    if (p->at - p->cols > l->overflow) l->overflow = p->at - p->cols;
}

void tui_list_draw_text(tui_list *l, tui_rect r, bool focused, tui_text_row (*row_at)(const void *state, size_t at),
                        const void *state)
{
    tui_list_draw_begin(l, r.h);
    for (int row = 0; row < r.h; row++) {
        int y = r.y + row;
        size_t at = l->top + (size_t)row;
        tui_fill(y, r.x, r.w, tui_attr(TUI_EL_NORMAL));
        if (at >= l->count) continue;
        tui_text_row tr = row_at(state, at);
        attr_t sel = tui_list_draw_row(l, at, y, r.x, r.w, focused);
        tui_pen pen = tui_list_pen(l, y, r.x, r.w);
        for (int i = 0; i < tr.indent; i++) tui_pen_put(&pen, " ", sel);
        tui_pen_put(&pen, tr.text, sel ? sel : tr.attr);
        tui_list_pen_end(l, &pen);
    }
}

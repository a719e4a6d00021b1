/* The colour schemes (default and light) and the monochrome one. */
#include "tui/theme.h"

typedef struct style {
    short fg, bg;
    attr_t color_attrs, mono_attrs;
} style;

static const style styles[TUI_EL_COUNT] = {
#define TUI_THEME_STYLE(name, fg, bg, attrs, mono) [TUI_EL_##name] = { fg, bg, attrs, mono },
    TUI_THEME(TUI_THEME_STYLE)
#undef TUI_THEME_STYLE
};

/* Only the elements the light scheme changes; `set` marks them. */
typedef struct light_style {
    bool set;
    short fg, bg;
    attr_t attrs;
} light_style;

static const light_style light_styles[TUI_EL_COUNT] = {
#define TUI_THEME_LIGHT_STYLE(name, fg, bg, attrs) [TUI_EL_##name] = { true, fg, bg, attrs },
    TUI_THEME_LIGHT(TUI_THEME_LIGHT_STYLE)
#undef TUI_THEME_LIGHT_STYLE
};

static bool color;
static attr_t attrs[TUI_EL_COUNT];
static attr_t cursor_line_attrs[TUI_EL_COUNT];

/* 256-colour palette greys: text that matters less, and the cursor line's background. */
enum { GREY_TEXT_DARK = 245, GREY_TEXT_LIGHT = 242, CURSOR_LINE_DARK = 236, CURSOR_LINE_LIGHT = 254 };

void tui_theme_init(bool use_color, svc_theme theme)
{
    color = use_color && theme != SVC_THEME_MONO && has_colors() && start_color() == OK &&
            COLOR_PAIRS > TUI_EL_COUNT;
    bool default_colors = color && use_default_colors() == OK;
    bool light = theme == SVC_THEME_LIGHT;
    bool palette = color && COLORS >= 256;
    /* The cursor line has a background of its own where a second set of pairs fits; else it is
     * underlined (8 colours, as vim's cursorline), or reverse in monochrome. */
    bool cursor_pairs = palette && COLOR_PAIRS > 2 * TUI_EL_COUNT;
    for (int i = 0; i < TUI_EL_COUNT; i++) {
        if (!color) {
            attrs[i] = styles[i].mono_attrs;
            cursor_line_attrs[i] = attrs[i] | A_REVERSE;
            continue;
        }
        short fg = styles[i].fg, bg = styles[i].bg;
        attr_t color_attrs = styles[i].color_attrs;
        if (light && light_styles[i].set) {
            fg = light_styles[i].fg;
            bg = light_styles[i].bg;
            color_attrs = light_styles[i].attrs;
        }
        if (fg == TUI_GREY) {
            fg = palette ? (light ? GREY_TEXT_LIGHT : GREY_TEXT_DARK) : -1;
            if (!palette) color_attrs |= A_DIM;
        }
        /* Without default colours, -1 means the classic white on black (black on white when light). */
        if (!default_colors) {
            if (fg < 0) fg = light ? COLOR_BLACK : COLOR_WHITE;
            if (bg < 0) bg = light ? COLOR_WHITE : COLOR_BLACK;
        }
        init_pair((short)(i + 1), fg, bg);
        attrs[i] = color_attrs | (i == TUI_EL_NORMAL ? 0 : COLOR_PAIR(i + 1));
        if (cursor_pairs) {
            short pair = (short)(TUI_EL_COUNT + i + 1);
            init_pair(pair, fg, light ? CURSOR_LINE_LIGHT : CURSOR_LINE_DARK);
            cursor_line_attrs[i] = color_attrs | COLOR_PAIR(pair);
        } else {
            cursor_line_attrs[i] = attrs[i] | A_UNDERLINE;
        }
    }
}

attr_t tui_attr(tui_element element)
{
    return attrs[element];
}

attr_t tui_attr_cursor_line(tui_element element)
{
    return cursor_line_attrs[element];
}

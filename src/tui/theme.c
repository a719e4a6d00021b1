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

void tui_theme_init(bool use_color, svc_theme theme)
{
    color = use_color && theme != SVC_THEME_MONO && has_colors() && start_color() == OK &&
            COLOR_PAIRS > TUI_EL_COUNT;
    bool default_colors = color && use_default_colors() == OK;
    bool light = theme == SVC_THEME_LIGHT;
    for (int i = 0; i < TUI_EL_COUNT; i++) {
        if (!color) {
            attrs[i] = styles[i].mono_attrs;
            continue;
        }
        short fg = styles[i].fg, bg = styles[i].bg;
        attr_t color_attrs = styles[i].color_attrs;
        if (light && light_styles[i].set) {
            fg = light_styles[i].fg;
            bg = light_styles[i].bg;
            color_attrs = light_styles[i].attrs;
        }
        /* Without default colours, -1 means the classic white on black (black on white when light). */
        if (!default_colors) {
            if (fg < 0) fg = light ? COLOR_BLACK : COLOR_WHITE;
            if (bg < 0) bg = light ? COLOR_WHITE : COLOR_BLACK;
        }
        init_pair((short)(i + 1), fg, bg);
        attrs[i] = color_attrs | (i == TUI_EL_NORMAL ? 0 : COLOR_PAIR(i + 1));
    }
}

attr_t tui_attr(tui_element element)
{
    return attrs[element];
}

/* The colour and monochrome schemes. */
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

static bool color;
static attr_t attrs[TUI_EL_COUNT];

void tui_theme_init(bool use_color)
{
    color = use_color && has_colors() && start_color() == OK && COLOR_PAIRS > TUI_EL_COUNT;
    bool default_colors = color && use_default_colors() == OK;
    for (int i = 0; i < TUI_EL_COUNT; i++) {
        if (!color) {
            attrs[i] = styles[i].mono_attrs;
            continue;
        }
        short fg = styles[i].fg, bg = styles[i].bg;
        /* Without default colours, -1 means the classic white on black. */
        if (!default_colors) {
            if (fg < 0) fg = COLOR_WHITE;
            if (bg < 0) bg = COLOR_BLACK;
        }
        init_pair((short)(i + 1), fg, bg);
        attrs[i] = styles[i].color_attrs | (i == TUI_EL_NORMAL ? 0 : COLOR_PAIR(i + 1));
    }
}

attr_t tui_attr(tui_element element)
{
    return attrs[element];
}

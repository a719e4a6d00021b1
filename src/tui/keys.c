/* The key map: key names, the default bindings built from the request table, lookups. */
#include <curses.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "tui/keys.h"
#include "tui/text.h"

static const tui_request_info requests[] = {
#define TUI_REQ_INFO(name, scope, keys, flags, hint, help) \
    { TUI_REQ_##name, TUI_SCOPE_##scope, keys, flags, hint, help },
    TUI_REQUESTS(TUI_REQ_INFO)
#undef TUI_REQ_INFO
};

const tui_request_info *tui_requests(size_t *count)
{
    *count = sizeof requests / sizeof *requests;
    return requests;
}

const char *tui_scope_title(tui_scope scope)
{
    switch (scope) {
    case TUI_SCOPE_GLOBAL: return "Everywhere";
    case TUI_SCOPE_TREE: return "Tree";
    case TUI_SCOPE_SOURCE: return "Source";
    case TUI_SCOPE_PROBLEMS: return "Problems";
    case TUI_SCOPE_CALLERS: return "Callers";
    case TUI_SCOPE_FIX: return "Fix preview";
    case TUI_SCOPE_COUNT: break;
    }
    return "";
}

static const struct {
    const char *name;
    int key;
} named_keys[] = {
    { "Enter", TUI_KEY_ENTER },
    { "Tab", TUI_KEY_TAB },
    { "S-Tab", TUI_KEY_FN(KEY_BTAB) },
    { "Esc", TUI_KEY_ESC },
    { "Space", ' ' },
    { "Backspace", TUI_KEY_FN(KEY_BACKSPACE) },
    { "Up", TUI_KEY_FN(KEY_UP) },
    { "Down", TUI_KEY_FN(KEY_DOWN) },
    { "Left", TUI_KEY_FN(KEY_LEFT) },
    { "Right", TUI_KEY_FN(KEY_RIGHT) },
    { "PgUp", TUI_KEY_FN(KEY_PPAGE) },
    { "PgDn", TUI_KEY_FN(KEY_NPAGE) },
    { "Home", TUI_KEY_FN(KEY_HOME) },
    { "End", TUI_KEY_FN(KEY_END) },
    { "Del", TUI_KEY_FN(KEY_DC) },
    { "LT", '<' },
    { "Hash", '#' },
    { "Colon", ':' },
};

static int function_key(const char *name, size_t len)
{
    /* F1..F12 */
    if (len < 2 || len > 3 || (name[0] != 'F' && name[0] != 'f')) return -1;
    int n = 0;
    for (size_t i = 1; i < len; i++) {
        if (name[i] < '0' || name[i] > '9') return -1;
        n = n * 10 + (name[i] - '0');
    }
    return n >= 1 && n <= 12 ? TUI_KEY_FN(KEY_F(n)) : -1;
}

static int named_key(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof named_keys / sizeof *named_keys; i++)
        if (strlen(named_keys[i].name) == len && strncasecmp(named_keys[i].name, name, len) == 0)
            return named_keys[i].key;
    /* <C-x>: control characters */
    if (len == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-') {
        char c = name[2];
        if (c >= 'a' && c <= 'z') return c - 'a' + 1;
        if (c >= 'A' && c <= 'Z') return c - 'A' + 1;
    }
    return function_key(name, len);
}

int tui_key_parse(const char **text)
{
    const char *p = *text;
    if (*p == '\0') return -1;
    if (*p == '<') {
        const char *end = strchr(p, '>');
        if (!end) return -1;
        int key = named_key(p + 1, (size_t)(end - p - 1));
        if (key >= 0) *text = end + 1;
        return key;
    }
    uint32_t cp;
    size_t n = tui_utf8_decode(p, strlen(p), &cp);
    *text = p + n;
    return (int)cp;
}

int tui_key_normalize(int key)
{
    switch (key) {
    case '\r': return TUI_KEY_ENTER;
    case TUI_KEY_FN(KEY_ENTER): return TUI_KEY_ENTER;
    case 127:
    case 8: return TUI_KEY_FN(KEY_BACKSPACE);
    default: return key;
    }
}

/* ---- bindings ---------------------------------------------------------------------- */

typedef struct binding {
    int key;
    tui_scope scope;
    tui_request request;
} binding;

static binding bindings[192];
static size_t nbindings;

bool tui_keys_init(const char **bad)
{
    nbindings = 0;
    for (size_t i = 0; i < sizeof requests / sizeof *requests; i++) {
        const char *p = requests[i].keys;
        while (*p) {
            if (*p == ' ') {
                p++;
                continue;
            }
            int key = tui_key_parse(&p);
            if (key < 0 || nbindings == sizeof bindings / sizeof *bindings) {
                if (bad) *bad = requests[i].keys;
                return false;
            }
            bindings[nbindings++] = (binding){ key, requests[i].scope, requests[i].request };
        }
    }
    return true;
}

static tui_request lookup(int key, tui_scope scope)
{
    for (size_t i = 0; i < nbindings; i++)
        if (bindings[i].key == key && bindings[i].scope == scope) return bindings[i].request;
    return TUI_REQ_NONE;
}

tui_request tui_key_request(int key, tui_scope scope)
{
    tui_request r = scope != TUI_SCOPE_GLOBAL ? lookup(key, scope) : TUI_REQ_NONE;
    return r != TUI_REQ_NONE ? r : lookup(key, TUI_SCOPE_GLOBAL);
}

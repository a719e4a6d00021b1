/*
 * The key map: key names, the bindings built from the request table (default keys, or the
 * user's [keys] in their place), lookups.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "svcscope/util.h"
#include "tui/keys.h"
#include "tui/text.h"

/* `keys` starts as the defaults; tui_keys_init points it at the keys in effect. */
static tui_request_info requests[] = {
#define TUI_REQ_INFO(name, scope, keys, flags, hint, help) \
    { TUI_REQ_##name, TUI_SCOPE_##scope, keys, flags, hint, help, keys },
    TUI_REQUESTS(TUI_REQ_INFO)
#undef TUI_REQ_INFO
};

#define NREQUESTS (sizeof requests / sizeof *requests)

static const char *const macro_names[] = {
#define TUI_REQ_NAME(name, scope, keys, flags, hint, help) #name,
    TUI_REQUESTS(TUI_REQ_NAME)
#undef TUI_REQ_NAME
};

static char request_names[NREQUESTS][32];

/* "NEXT_PANE" -> "next-pane", once. */
static void make_names(void)
{
    if (request_names[0][0]) return;
    for (size_t i = 0; i < NREQUESTS; i++) {
        char *out = request_names[i];
        size_t n = 0;
        for (const char *c = macro_names[i]; *c && n + 1 < sizeof request_names[i]; c++)
            out[n++] = *c == '_' ? '-' : (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;
        out[n] = '\0';
    }
}

const tui_request_info *tui_requests(size_t *count)
{
    *count = NREQUESTS;
    return requests;
}

const char *tui_scope_title(tui_scope scope)
{
    switch (scope) {
    case TUI_SCOPE_GLOBAL: return "Everywhere";
    case TUI_SCOPE_TREE: return "Tree";
    case TUI_SCOPE_SOURCE: return "Source";
    case TUI_SCOPE_OVERVIEW: return "Overview (in the source pane's place)";
    case TUI_SCOPE_PROBLEMS: return "Problems";
    case TUI_SCOPE_CALLERS: return "Callers";
    case TUI_SCOPE_FIX: return "Fix preview";
    case TUI_SCOPE_RULE: return "Rule explanation, message log";
    case TUI_SCOPE_MENU: return "Definitions menu";
    case TUI_SCOPE_DEPS: return "Dependencies";
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
        if (c == ']') return TUI_KEY_CTRL_BRACKET;
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
    size_t n = svc_utf8_decode(p, strlen(p), &cp);
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

/* The name of a key in the script syntax, as the key table writes it ("q", "<C-n>", "<Enter>"). */
static bool key_to_name(int key, char *buf, size_t size)
{
    if (key == '<') {
        snprintf(buf, size, "<LT>");
        return true;
    }
    if (key == '#' || key == ':') {
        snprintf(buf, size, "%c", key);
        return true;
    }
    for (size_t i = 0; i < sizeof named_keys / sizeof *named_keys; i++)
        if (named_keys[i].key == key) {
            snprintf(buf, size, "<%s>", named_keys[i].name);
            return true;
        }
    if (key >= 1 && key <= 26) {
        snprintf(buf, size, "<C-%c>", 'a' + key - 1);
        return true;
    }
    if (key == TUI_KEY_CTRL_BRACKET) {
        snprintf(buf, size, "<C-]>");
        return true;
    }
    for (int n = 1; n <= 12; n++)
        if (key == TUI_KEY_FN(KEY_F(n))) {
            snprintf(buf, size, "<F%d>", n);
            return true;
        }
    uint32_t c = (uint32_t)key;
    if (TUI_KEY_IS_FN(key) || key < 32 || key == 127 || (c >= 0x80 && c < 0xA0) || c == 0xFFFD || c > 0x10FFFF ||
        size < 5)
        return false;
    size_t n = svc_utf8_encode(c, buf);
    buf[n] = '\0';
    return n > 0;
}

/* ---- key lists ----------------------------------------------------------------------- */

/* Keys as codes (normalised: what curses hands over), each once, in the order written. */
typedef struct key_list {
    int *codes;
    size_t n;
} key_list;

static void key_list_free(key_list *l)
{
    free(l->codes);
    l->codes = NULL;
    l->n = 0;
}

static bool key_list_has(const key_list *l, int code)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->codes[i] == code) return true;
    return false;
}

/*
 * Reads key names separated by spaces. False, with the first bad name (malloc'd) in *bad, when
 * a word is not exactly one key that can be named: "jk" is two keys, "<C-nn>" no key at all.
 */
static bool key_list_parse(const char *text, key_list *out, char **bad)
{
    out->codes = NULL;
    out->n = 0;
    for (const char *p = text; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t len = strcspn(p, " ");
        char *word = svc_xstrndup(p, len);
        const char *at = word;
        int key = tui_key_parse(&at);
        char check[16];
        if (key >= 0) key = tui_key_normalize(key);
        if (key < 0 || *at != '\0' || !key_to_name(key, check, sizeof check)) {
            *bad = word;
            key_list_free(out);
            return false;
        }
        free(word);
        if (!key_list_has(out, key)) {
            out->codes = svc_xrealloc(out->codes, (out->n + 1) * sizeof *out->codes);
            out->codes[out->n++] = key;
        }
        p += len;
    }
    return true;
}

/* The names of the keys, separated by spaces: the `keys` of a request. Malloc'd. */
static char *key_list_names(const key_list *l)
{
    svc_buf b = { 0 };
    for (size_t i = 0; i < l->n; i++) {
        char name[16];
        if (!key_to_name(l->codes[i], name, sizeof name)) continue;
        if (b.len) svc_buf_putc(&b, ' ');
        svc_buf_puts(&b, name);
    }
    return svc_buf_detach(&b);
}

/* ---- bindings ---------------------------------------------------------------------- */

typedef struct binding {
    int key;
    tui_scope scope;
    tui_request request;
} binding;

static binding *bindings;
static size_t nbindings;
static char *owned_keys[NREQUESTS]; /* the user's keys, or what the user left of the defaults */

void tui_keys_free(void)
{
    for (size_t i = 0; i < NREQUESTS; i++) {
        free(owned_keys[i]);
        owned_keys[i] = NULL;
        requests[i].keys = requests[i].default_keys;
    }
    free(bindings);
    bindings = NULL;
    nbindings = 0;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 40 || m > 40) return 99;
    size_t d[41][41];
    for (size_t i = 0; i <= n; i++) d[i][0] = i;
    for (size_t j = 0; j <= m; j++) d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

/* The request a [keys] entry names (user_config writes it as "next-pane"), or -1. */
static int find_request(const char *name)
{
    for (size_t i = 0; i < NREQUESTS; i++)
        if (strcmp(name, request_names[i]) == 0) return (int)i;
    return -1;
}

/* The file the settings came from, for messages. */
static const char *where(const svc_user_config *uc)
{
    return uc->source_file ? uc->source_file : "config.toml";
}

static void unknown_request(const svc_user_config *uc, const svc_user_key *e, char *why, size_t size)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < NREQUESTS; i++) {
        size_t d = edit_distance(e->request, request_names[i]);
        if (d < best_d) {
            best_d = d;
            best = request_names[i];
        }
    }
    if (best)
        snprintf(why, size, "%s:%u: keys: %s: not an action of the explorer (did you mean %s?)", where(uc),
                 e->line, e->request, best);
    else
        snprintf(why, size, "%s:%u: keys: %s: not an action of the explorer (man svcscope lists them under KEYS)",
                 where(uc), e->line, e->request);
}

/* The user's [keys] over the defaults, into eff[]; false with why. */
static bool apply_user_keys(const svc_user_config *uc, key_list *def, key_list *eff, char *why, size_t size)
{
    const svc_user_key *user[NREQUESTS] = { 0 };
    key_list mine[NREQUESTS];
    memset(mine, 0, sizeof mine);
    bool ok = true;
    for (size_t k = 0; k < uc->nkeys && ok; k++) {
        const svc_user_key *e = &uc->keys[k];
        int i = find_request(e->request);
        char *bad = NULL;
        if (i < 0) {
            unknown_request(uc, e, why, size);
            ok = false;
        } else if (user[i]) {
            snprintf(why, size, "%s:%u: keys: %s: given twice (first on line %u)", where(uc), e->line,
                     e->request, user[i]->line);
            ok = false;
        } else if (!key_list_parse(e->keys, &mine[i], &bad)) {
            snprintf(why, size,
                     "%s:%u: keys: %s: \"%s\" is not a key name (one key each, separated by spaces: a character, "
                     "or <Enter>, <Esc>, <Tab>, <Space>, <Up>, <PgDn>, <F1>, <C-n>...; < is <LT>)",
                     where(uc), e->line, e->request, bad);
            free(bad);
            ok = false;
        } else {
            user[i] = e;
        }
    }
    /* One key, one request in a scope: the user's own entries must agree among themselves. */
    for (size_t i = 0; i < NREQUESTS && ok; i++)
        for (size_t j = i + 1; j < NREQUESTS && ok && user[i]; j++) {
            if (!user[j] || requests[i].scope != requests[j].scope) continue;
            for (size_t c = 0; c < mine[j].n && ok; c++) {
                if (!key_list_has(&mine[i], mine[j].codes[c])) continue;
                const svc_user_key *later = user[i]->line > user[j]->line ? user[i] : user[j];
                const svc_user_key *earlier = later == user[i] ? user[j] : user[i];
                char name[16];
                key_to_name(mine[j].codes[c], name, sizeof name);
                snprintf(why, size, "%s:%u: keys: %s: %s is bound to %s too (line %u); a key does one thing in a pane",
                         where(uc), later->line, later->request, name, earlier->request, earlier->line);
                ok = false;
            }
        }
    /* The user's keys replace a request's defaults, and leave the other requests of that scope. */
    for (size_t i = 0; i < NREQUESTS && ok; i++)
        if (user[i]) {
            eff[i] = mine[i];
            memset(&mine[i], 0, sizeof mine[i]);
        }
    unsigned quit_taken_line = 0;
    const char *quit_taken_by = NULL;
    for (size_t i = 0; i < NREQUESTS && ok; i++) {
        if (user[i]) continue;
        eff[i].codes = def[i].n ? svc_xmalloc(def[i].n * sizeof *eff[i].codes) : NULL;
        eff[i].n = 0;
        for (size_t c = 0; c < def[i].n; c++) {
            const svc_user_key *taker = NULL;
            for (size_t j = 0; j < NREQUESTS && !taker; j++)
                if (user[j] && requests[j].scope == requests[i].scope && key_list_has(&eff[j], def[i].codes[c]))
                    taker = user[j];
            if (!taker) {
                eff[i].codes[eff[i].n++] = def[i].codes[c];
            } else if (requests[i].request == TUI_REQ_QUIT && taker->line > quit_taken_line) {
                quit_taken_line = taker->line;
                quit_taken_by = taker->request;
            }
        }
    }
    /* Nothing else leaves the explorer (Ctrl-C is a key like any other in it). */
    if (ok && eff[TUI_REQ_QUIT - 1].n == 0) {
        const svc_user_key *q = user[TUI_REQ_QUIT - 1];
        if (q)
            snprintf(why, size, "%s:%u: keys: quit: needs a key (nothing else leaves svcscope)", where(uc),
                     q->line);
        else
            snprintf(why, size, "%s:%u: keys: %s: takes the last key of quit, which needs one (nothing else leaves "
                     "svcscope)", where(uc), quit_taken_line, quit_taken_by ? quit_taken_by : "?");
        ok = false;
    }
    for (size_t i = 0; i < NREQUESTS; i++) key_list_free(&mine[i]);
    return ok;
}

bool tui_keys_init(const svc_user_config *uc, char *why, size_t size)
{
    tui_keys_free();
    make_names();
    key_list def[NREQUESTS], eff[NREQUESTS];
    memset(def, 0, sizeof def);
    memset(eff, 0, sizeof eff);
    bool ok = true;
    for (size_t i = 0; i < NREQUESTS && ok; i++) {
        char *bad = NULL;
        if (!key_list_parse(requests[i].default_keys, &def[i], &bad)) {
            snprintf(why, size, "bad default key \"%s\" of %s", bad, request_names[i]);
            free(bad);
            ok = false;
        }
    }
    if (ok && uc && uc->nkeys) {
        ok = apply_user_keys(uc, def, eff, why, size);
        for (size_t i = 0; i < NREQUESTS && ok; i++) {
            owned_keys[i] = key_list_names(&eff[i]);
            requests[i].keys = owned_keys[i];
        }
    } else if (ok) {
        for (size_t i = 0; i < NREQUESTS; i++) {
            eff[i] = def[i];
            memset(&def[i], 0, sizeof def[i]);
        }
    }
    size_t total = 0;
    for (size_t i = 0; i < NREQUESTS && ok; i++) total += eff[i].n;
    if (ok) {
        bindings = svc_xmalloc((total ? total : 1) * sizeof *bindings);
        for (size_t i = 0; i < NREQUESTS; i++)
            for (size_t c = 0; c < eff[i].n; c++)
                bindings[nbindings++] = (binding){ eff[i].codes[c], requests[i].scope, requests[i].request };
    }
    for (size_t i = 0; i < NREQUESTS; i++) {
        key_list_free(&def[i]);
        key_list_free(&eff[i]);
    }
    if (!ok) {
        tui_keys_free();
        /* The defaults stay usable; why keeps the reason. */
        char ignored[8];
        if (uc) tui_keys_init(NULL, ignored, sizeof ignored);
    }
    return ok;
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

/* "<Esc>" -> "Esc", "q" -> "q". */
static void label_of(const char *name, size_t n, char *buf, size_t size)
{
    if (n > 2 && name[0] == '<' && name[n - 1] == '>') snprintf(buf, size, "%.*s", (int)(n - 2), name + 1);
    else snprintf(buf, size, "%.*s", (int)n, name);
}

bool tui_key_label(tui_request req, tui_scope scope, const char *prefer, char *buf, size_t size)
{
    if (size) buf[0] = '\0';
    if (req <= TUI_REQ_NONE || (size_t)req > NREQUESTS) return false;
    if (prefer) {
        const char *p = prefer;
        int key = tui_key_parse(&p);
        if (key >= 0 && *p == '\0' && tui_key_request(tui_key_normalize(key), scope) == req) {
            label_of(prefer, strlen(prefer), buf, size);
            return true;
        }
    }
    for (const char *p = requests[req - 1].keys; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t len = strcspn(p, " ");
        char word[32];
        snprintf(word, sizeof word, "%.*s", (int)len, p);
        const char *at = word;
        int key = tui_key_parse(&at);
        if (key >= 0 && tui_key_request(tui_key_normalize(key), scope) == req) {
            label_of(p, len, buf, size);
            return true;
        }
        p += len;
    }
    return false;
}

char *tui_keys_say(tui_scope scope, size_t n, ...)
{
    svc_buf b = { 0 };
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        tui_request req = (tui_request)va_arg(ap, int);
        const char *prefer = va_arg(ap, const char *);
        const char *phrase = va_arg(ap, const char *);
        char key[64];
        if (!tui_key_label(req, scope, prefer, key, sizeof key)) continue;
        svc_buf_printf(&b, "%s%s %s", b.len ? ", " : "", key, phrase);
    }
    va_end(ap);
    return svc_buf_detach(&b);
}

/*
 * Runs the highlight query over a file. Later patterns override earlier ones (the query
 * lists generic patterns first: `(identifier) @variable` before `@function`), so captures
 * are applied in pattern order per node, outer nodes before the nodes inside them.
 * `#match?` and `#eq?` predicates are honoured; others are ignored.
 */
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "svcscope/facts.h"
#include "svcscope/util.h"
#include "tui/highlight.h"

/* A predicate of one pattern: `(#match? @cap "re")` or `(#eq? @cap "text")`. */
typedef struct predicate {
    uint32_t capture;
    bool is_regex;
    regex_t regex;
    char *text;
} predicate;

typedef struct pattern_predicates {
    predicate *items;
    size_t n;
} pattern_predicates;

static TSQuery *query;
static bool query_failed;
static pattern_predicates *predicates;   /* per pattern */
static unsigned char *capture_styles;    /* per capture id; 0xFF = ignore */

static const struct {
    const char *prefix;
    tui_element element;
} capture_map[] = {
    { "keyword", TUI_EL_KEYWORD },
    { "string", TUI_EL_STRING },
    { "escape", TUI_EL_ESCAPE },
    { "comment", TUI_EL_COMMENT },
    { "number", TUI_EL_NUMBER },
    { "function.builtin", TUI_EL_BUILTIN },
    { "function", TUI_EL_FUNCTION },
    { "constructor", TUI_EL_TYPE },
    { "type", TUI_EL_TYPE },
    { "constant", TUI_EL_CONSTANT },
    { "property", TUI_EL_PROPERTY },
    { "operator", TUI_EL_OPERATOR },
    { "punctuation.special", TUI_EL_OPERATOR },
    { "embedded", TUI_EL_NORMAL },
};

static unsigned char style_of_capture(const char *name)
{
    for (size_t i = 0; i < sizeof capture_map / sizeof *capture_map; i++)
        if (svc_str_starts_with(name, capture_map[i].prefix)) return (unsigned char)capture_map[i].element;
    return 0xFF; /* @variable and unknown names: keep what encloses them */
}

static void load_predicates(void)
{
    uint32_t npatterns = ts_query_pattern_count(query);
    predicates = svc_xcalloc(npatterns ? npatterns : 1, sizeof *predicates);
    for (uint32_t p = 0; p < npatterns; p++) {
        uint32_t nsteps;
        const TSQueryPredicateStep *steps = ts_query_predicates_for_pattern(query, p, &nsteps);
        for (uint32_t s = 0; s < nsteps;) {
            /* One predicate: string(name) capture string done */
            uint32_t end = s;
            while (end < nsteps && steps[end].type != TSQueryPredicateStepTypeDone) end++;
            if (end - s == 3 && steps[s].type == TSQueryPredicateStepTypeString &&
                steps[s + 1].type == TSQueryPredicateStepTypeCapture &&
                steps[s + 2].type == TSQueryPredicateStepTypeString) {
                uint32_t len;
                const char *op = ts_query_string_value_for_id(query, steps[s].value_id, &len);
                const char *arg = ts_query_string_value_for_id(query, steps[s + 2].value_id, &len);
                predicate pr = { .capture = steps[s + 1].value_id };
                bool ok = false;
                if (strcmp(op, "match?") == 0) {
                    pr.is_regex = true;
                    ok = regcomp(&pr.regex, arg, REG_EXTENDED | REG_NOSUB) == 0;
                } else if (strcmp(op, "eq?") == 0) {
                    pr.text = svc_xstrdup(arg);
                    ok = true;
                }
                if (ok) {
                    pattern_predicates *pp = &predicates[p];
                    pp->items = svc_xrealloc(pp->items, (pp->n + 1) * sizeof *pp->items);
                    pp->items[pp->n++] = pr;
                }
            }
            s = end + 1;
        }
    }
}

static bool ensure_query(void)
{
    if (query) return true;
    if (query_failed) return false;
    uint32_t offset;
    TSQueryError error;
    svc_tree_sitter_prepare();
    query = ts_query_new(svc_python_language(), tui_highlights_query, tui_highlights_query_len, &offset, &error);
    if (!query) {
        query_failed = true;
        return false;
    }
    uint32_t ncaptures = ts_query_capture_count(query);
    capture_styles = svc_xmalloc(ncaptures ? ncaptures : 1);
    for (uint32_t c = 0; c < ncaptures; c++) {
        uint32_t len;
        const char *name = ts_query_capture_name_for_id(query, c, &len);
        capture_styles[c] = style_of_capture(name);
    }
    load_predicates();
    return true;
}

void tui_highlight_cleanup(void)
{
    if (!query) return;
    uint32_t npatterns = ts_query_pattern_count(query);
    for (uint32_t p = 0; p < npatterns; p++) {
        for (size_t i = 0; i < predicates[p].n; i++) {
            if (predicates[p].items[i].is_regex) regfree(&predicates[p].items[i].regex);
            free(predicates[p].items[i].text);
        }
        free(predicates[p].items);
    }
    free(predicates);
    free(capture_styles);
    ts_query_delete(query);
    query = NULL;
    predicates = NULL;
    capture_styles = NULL;
}

static bool predicates_hold(const TSQueryMatch *match, const char *bytes)
{
    const pattern_predicates *pp = &predicates[match->pattern_index];
    for (size_t i = 0; i < pp->n; i++) {
        const predicate *pr = &pp->items[i];
        for (uint16_t c = 0; c < match->capture_count; c++) {
            if (match->captures[c].index != pr->capture) continue;
            TSNode node = match->captures[c].node;
            uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
            char *text = svc_xstrndup(bytes + start, end - start);
            bool ok = pr->is_regex ? regexec(&pr->regex, text, 0, NULL, 0) == 0 : strcmp(text, pr->text) == 0;
            free(text);
            if (!ok) return false;
        }
    }
    return true;
}

typedef struct capture {
    uint32_t start, end;
    uint32_t pattern;
    unsigned char style;
} capture;

typedef SVC_VEC(capture) capture_vec;

static int capture_order(const void *a, const void *b)
{
    const capture *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end > y->end ? -1 : 1; /* outer first */
    if (x->pattern != y->pattern) return x->pattern < y->pattern ? -1 : 1;
    return 0;
}

static void collect(TSNode root, const char *bytes, capture_vec *out)
{
    TSQueryCursor *cursor = ts_query_cursor_new();
    ts_query_cursor_exec(cursor, query, root);
    TSQueryMatch match;
    uint32_t index;
    while (ts_query_cursor_next_capture(cursor, &match, &index)) {
        const TSQueryCapture *cap = &match.captures[index];
        unsigned char style = capture_styles[cap->index];
        if (style == 0xFF || !predicates_hold(&match, bytes)) continue;
        capture c = { ts_node_start_byte(cap->node), ts_node_end_byte(cap->node), match.pattern_index, style };
        svc_vec_push(out, c);
    }
    ts_query_cursor_delete(cursor);
}

unsigned char *tui_highlight(const char *bytes, size_t len)
{
    unsigned char *styles = svc_xcalloc(len ? len : 1, 1);
    if (len == 0 || len > UINT32_MAX || !ensure_query()) return styles;
    TSParser *parser = svc_parser_new(svc_python_language());
    TSTree *tree = ts_parser_parse_string(parser, NULL, bytes, (uint32_t)len);
    if (tree) {
        capture_vec caps = { 0 };
        collect(ts_tree_root_node(tree), bytes, &caps);
        qsort(caps.items, caps.len, sizeof *caps.items, capture_order);
        for (size_t i = 0; i < caps.len; i++) {
            uint32_t end = caps.items[i].end < len ? caps.items[i].end : (uint32_t)len;
            memset(styles + caps.items[i].start, caps.items[i].style, end - caps.items[i].start);
        }
        svc_vec_free(&caps);
        ts_tree_delete(tree);
    }
    ts_parser_delete(parser);
    return styles;
}

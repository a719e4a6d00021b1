/*
 * Go to: every service, app, package, module, task, wrapper, exception and file as one list,
 * and a fuzzy matcher that ranks it for what the user types, the way fuzzy finders score:
 * characters of the pattern in order, more for runs and word starts, less for gaps and length.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/query_internal.h"

typedef SVC_VEC(svc_query_symbol) symbol_vec;

static void add_symbol(symbol_vec *v, svc_query_kind kind, const char *name, svc_query_place place, long index)
{
    svc_query_symbol s = { kind, name, place, index };
    svc_vec_push(v, s);
}

static svc_query_place file_start(const svc_model *m, size_t file)
{
    svc_span first = { 0 };
    return query_place(m, file, first);
}

/* A folder known by path only (a service or app without files): the place names the path. */
static svc_query_place folder_place(const svc_model *m, const char *path, long file)
{
    if (file >= 0) return file_start(m, (size_t)file);
    svc_query_place p = { (size_t)-1, path, 0, 0, 0, 0 };
    return p;
}

svc_query_symbols *svc_query_symbols_new(const svc_query *q)
{
    const svc_model *m = q->model;
    symbol_vec v = { 0 };
    for (size_t s = 0; s < m->nservices; s++) {
        const svc_service *svc = &m->services[s];
        long file = svc->init_file >= 0 ? svc->init_file : svc->nfiles ? (long)svc->files[0] : -1;
        add_symbol(&v, SVC_QUERY_SERVICE, svc->name, folder_place(m, svc->path, file), (long)s);
    }
    for (size_t a = 0; a < m->napps; a++) {
        const svc_app *app = &m->apps[a];
        char *init = svc_xasprintf("%s/__init__.py", app->path);
        long file = svc_model_file(m, init);
        free(init);
        if (file < 0 && app->nfiles) file = (long)app->files[0];
        add_symbol(&v, SVC_QUERY_APP, app->display, folder_place(m, app->path, file), (long)a);
    }
    for (size_t f = 0; f < m->nfiles; f++)
        if (m->files[f].module)
            add_symbol(&v, m->files[f].is_init ? SVC_QUERY_PACKAGE : SVC_QUERY_MODULE, m->files[f].module,
                       file_start(m, f), (long)f);
    for (size_t t = 0; t < m->ntasks; t++)
        add_symbol(&v, SVC_QUERY_TASK, m->tasks[t].dotted, query_place(m, m->tasks[t].at.file, m->tasks[t].name_span),
                   (long)t);
    for (size_t w = 0; w < m->nwrappers; w++) {
        svc_defref at = m->wrappers[w].at;
        add_symbol(&v, SVC_QUERY_WRAPPER, m->wrappers[w].dotted,
                   query_place(m, at.file, m->files[at.file].facts->defs[at.def].name_span), (long)w);
    }
    for (size_t e = 0; e < m->nexceptions; e++) {
        svc_defref at = m->exceptions[e].at;
        add_symbol(&v, SVC_QUERY_EXCEPTION, m->exceptions[e].dotted,
                   query_place(m, at.file, m->files[at.file].facts->defs[at.def].name_span), (long)e);
    }
    for (size_t f = 0; f < m->nfiles; f++) add_symbol(&v, SVC_QUERY_FILE, m->files[f].path, file_start(m, f), (long)f);

    svc_query_symbols *out = svc_xcalloc(1, sizeof *out);
    out->arena = svc_arena_new();
    out->n = v.len;
    out->items = query_arena_copy(out->arena, v.items, v.len, sizeof *v.items);
    svc_vec_free(&v);
    return out;
}

void svc_query_symbols_free(svc_query_symbols *symbols)
{
    if (!symbols) return;
    svc_arena_free(symbols->arena);
    free(symbols);
}

/* ---- fuzzy scoring ------------------------------------------------------------------ */

enum {
    SCORE_MATCH = 16,
    BONUS_BOUNDARY = 10,     /* a match at the start of a word */
    BONUS_CAMEL = 8,         /* a match at a lower-to-upper change */
    BONUS_CONSECUTIVE = 12,  /* a match right after the previous one (a run beats scattered word starts) */
    BONUS_FIRST_CHAR = 2,    /* the pattern's first character's bonus counts this many times */
    PENALTY_GAP_START = 3,
    PENALTY_GAP_EXTENSION = 1,
    LENGTH_DIVISOR = 8,      /* each LENGTH_DIVISOR characters of the text cost a point */
    MAX_TEXT = 512,          /* longer texts are scored on their first MAX_TEXT bytes */
    MAX_PATTERN = 64,
    NO_MATCH = -1000000,
};

static bool is_separator(char c)
{
    return c == '.' || c == '/' || c == '_' || c == '-' || c == ' ' || c == ':';
}

static int position_bonus(const char *text, size_t j)
{
    if (j == 0) return BONUS_BOUNDARY;
    char prev = text[j - 1], cur = text[j];
    if (is_separator(prev) && !is_separator(cur)) return BONUS_BOUNDARY;
    if (islower((unsigned char)prev) && isupper((unsigned char)cur)) return BONUS_CAMEL;
    return 0;
}

int svc_fuzzy_score(const char *pattern, const char *text)
{
    char pat[MAX_PATTERN];
    size_t n = 0;
    for (const char *p = pattern; *p && n < MAX_PATTERN; p++)
        if (*p != ' ') pat[n++] = (char)tolower((unsigned char)*p);
    if (n == 0) return 0;
    size_t m = strnlen(text, MAX_TEXT);
    if (m < n) return -1;
    /* quick rejection: the pattern's characters in order */
    size_t k = 0;
    for (size_t j = 0; j < m && k < n; j++) k += tolower((unsigned char)text[j]) == pat[k];
    if (k < n) return -1;

    /* H[j]: best score with pattern[i] matched at text[j]; prev: the same for pattern[i - 1] */
    int prev[MAX_TEXT], cur[MAX_TEXT];
    for (size_t i = 0; i < n; i++) {
        int gap_best = NO_MATCH; /* best prev[k] with k < j - 1, gaps already charged */
        for (size_t j = 0; j < m; j++) {
            if (i > 0 && j >= 2) {
                if (gap_best != NO_MATCH) gap_best -= PENALTY_GAP_EXTENSION;
                if (prev[j - 2] != NO_MATCH && prev[j - 2] - PENALTY_GAP_START > gap_best)
                    gap_best = prev[j - 2] - PENALTY_GAP_START;
            }
            cur[j] = NO_MATCH;
            if (tolower((unsigned char)text[j]) != pat[i]) continue;
            int bonus = position_bonus(text, j);
            if (i == 0) {
                cur[j] = SCORE_MATCH + bonus * BONUS_FIRST_CHAR;
                continue;
            }
            int best = gap_best != NO_MATCH ? gap_best + SCORE_MATCH + bonus : NO_MATCH;
            if (j >= 1 && prev[j - 1] != NO_MATCH) {
                int run = prev[j - 1] + SCORE_MATCH + (bonus > BONUS_CONSECUTIVE ? bonus : BONUS_CONSECUTIVE);
                if (run > best) best = run;
            }
            cur[j] = best;
        }
        memcpy(prev, cur, m * sizeof *prev);
    }
    int best = NO_MATCH;
    for (size_t j = 0; j < m; j++)
        if (prev[j] > best) best = prev[j];
    if (best == NO_MATCH) return -1;
    best -= (int)(strlen(text) / LENGTH_DIVISOR);
    return best < 0 ? 0 : best;
}

typedef struct ranked {
    size_t symbol;
    int score;
    size_t len;
} ranked;

static int compare_ranked(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    return a->symbol < b->symbol ? -1 : a->symbol > b->symbol ? 1 : 0;
}

size_t svc_query_rank(const svc_query_symbols *symbols, const char *pattern, svc_query_match *out, size_t max)
{
    if (!max || !symbols->n) return 0;
    ranked *all = svc_xmalloc(symbols->n * sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < symbols->n; i++) {
        int score = svc_fuzzy_score(pattern, symbols->items[i].name);
        if (score >= 0) all[k++] = (ranked){ i, score, strlen(symbols->items[i].name) };
    }
    qsort(all, k, sizeof *all, compare_ranked);
    size_t n = k < max ? k : max;
    for (size_t i = 0; i < n; i++) out[i] = (svc_query_match){ all[i].symbol, all[i].score };
    free(all);
    return n;
}

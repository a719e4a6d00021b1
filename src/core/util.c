#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"

/*
 * The core's only own write to stderr, and on purpose: with memory gone no caller can be told
 * through a return value (building a message could fail too), so the process says why and ends
 * here. The x-allocators above and the JSON writers (baseline.c, report.c) all come here.
 */
_Noreturn void svc_out_of_memory(size_t n)
{
    if (n) fprintf(stderr, "svcscope: out of memory (%zu bytes)\n", n);
    else fputs("svcscope: out of memory\n", stderr);
    abort();
}

void *svc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) svc_out_of_memory(n);
    return p;
}

void *svc_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) svc_out_of_memory(n * size);
    return p;
}

void *svc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) svc_out_of_memory(n);
    return q;
}

char *svc_xstrndup(const char *s, size_t n)
{
    char *p = svc_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *svc_xstrdup(const char *s)
{
    return svc_xstrndup(s, strlen(s));
}

char *svc_xasprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = svc_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

/* ---- buffer ---------------------------------------------------------------- */

static void buf_grow(svc_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = svc_xrealloc(b->data, cap);
    b->cap = cap;
}

void svc_buf_append(svc_buf *b, const char *s, size_t n)
{
    buf_grow(b, n);
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void svc_buf_puts(svc_buf *b, const char *s)
{
    svc_buf_append(b, s, strlen(s));
}

void svc_buf_putc(svc_buf *b, char c)
{
    svc_buf_append(b, &c, 1);
}

void svc_buf_vprintf(svc_buf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    buf_grow(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
    va_end(again);
    b->len += (size_t)n;
}

void svc_buf_printf(svc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    svc_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *svc_buf_detach(svc_buf *b)
{
    char *s = b->data ? b->data : svc_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void svc_buf_free(svc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- arena ----------------------------------------------------------------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
} arena_block;

struct svc_arena {
    arena_block *head;
    size_t next_size; /* size of the next regular block */
};

/* Blocks start small and double up to ARENA_BLOCK, so that the thousands of small arenas a
 * model holds (one per file's facts) do not each cost 64 KiB. */
#define ARENA_FIRST 1024
#define ARENA_BLOCK 65536

svc_arena *svc_arena_new(void)
{
    return svc_arena_new_sized(0);
}

svc_arena *svc_arena_new_sized(size_t first_block)
{
    svc_arena *a = svc_xcalloc(1, sizeof(svc_arena));
    size_t size = ARENA_FIRST;
    while (size < first_block && size < ARENA_BLOCK) size *= 2;
    a->next_size = size;
    return a;
}

void *svc_arena_alloc(svc_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (n == 0) n = align;
    arena_block *b = a->head;
    if (!b || b->used + n > b->size) {
        size_t size = a->next_size;
        if (n > size / 4 && b) {
            /* A large one-off allocation goes behind the current block so the
             * current block keeps serving small ones. */
            b = svc_xmalloc(sizeof(arena_block) + n);
            b->used = 0;
            b->size = n;
            b->next = a->head->next;
            a->head->next = b;
        } else {
            if (size < n) size = n;
            b = svc_xmalloc(sizeof(arena_block) + size);
            b->used = 0;
            b->size = size;
            b->next = a->head;
            a->head = b;
            if (a->next_size < ARENA_BLOCK) a->next_size *= 2;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *svc_arena_strndup(svc_arena *a, const char *s, size_t n)
{
    char *p = svc_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *svc_arena_strdup(svc_arena *a, const char *s)
{
    return svc_arena_strndup(a, s, strlen(s));
}

char *svc_arena_vprintf(svc_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *p = svc_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

char *svc_arena_printf(svc_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = svc_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void svc_arena_free(svc_arena *a)
{
    if (!a) return;
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

/* ---- map ------------------------------------------------------------------- */

typedef struct map_slot {
    char *key;
    void *value;
    uint64_t hash;
} map_slot;

struct svc_map {
    map_slot *slots;
    size_t cap, count;
    bool borrowed; /* keys are the caller's, neither copied nor freed */
};

static uint64_t hash_string(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

svc_map *svc_map_new_borrowed(void)
{
    svc_map *m = svc_map_new();
    m->borrowed = true;
    return m;
}

svc_map *svc_map_new(void)
{
    svc_map *m = svc_xcalloc(1, sizeof *m);
    m->cap = 64;
    m->slots = svc_xcalloc(m->cap, sizeof *m->slots);
    return m;
}

static map_slot *map_find(map_slot *slots, size_t cap, const char *key, uint64_t h)
{
    size_t i = h & (cap - 1);
    for (;;) {
        map_slot *s = &slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0)) return s;
        i = (i + 1) & (cap - 1);
    }
}

static void map_grow(svc_map *m)
{
    size_t cap = m->cap * 2;
    map_slot *slots = svc_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key) *map_find(slots, cap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

void *svc_map_put(svc_map *m, const char *key, void *value)
{
    if ((m->count + 1) * 4 > m->cap * 3) map_grow(m);
    uint64_t h = hash_string(key);
    map_slot *s = map_find(m->slots, m->cap, key, h);
    if (s->key) {
        void *old = s->value;
        s->value = value;
        return old;
    }
    s->key = m->borrowed ? SVC_UNCONST(char *, key) : svc_xstrdup(key);
    s->hash = h;
    s->value = value;
    m->count++;
    return NULL;
}

void **svc_map_slot(svc_map *m, const char *key, bool *created)
{
    if ((m->count + 1) * 4 > m->cap * 3) map_grow(m);
    uint64_t h = hash_string(key);
    map_slot *s = map_find(m->slots, m->cap, key, h);
    *created = !s->key;
    if (!s->key) {
        s->key = m->borrowed ? SVC_UNCONST(char *, key) : svc_xstrdup(key);
        s->hash = h;
        s->value = NULL;
        m->count++;
    }
    return &s->value;
}

void *svc_map_get(const svc_map *m, const char *key)
{
    if (!m || !key) return NULL;
    map_slot *s = map_find(m->slots, m->cap, key, hash_string(key));
    return s->key ? s->value : NULL;
}

size_t svc_map_count(const svc_map *m)
{
    return m ? m->count : 0;
}

bool svc_map_next(const svc_map *m, size_t *iter, const char **key, void **value)
{
    for (; *iter < m->cap; (*iter)++) {
        map_slot *s = &m->slots[*iter];
        if (s->key) {
            if (key) *key = s->key;
            if (value) *value = s->value;
            (*iter)++;
            return true;
        }
    }
    return false;
}

void svc_map_free(svc_map *m)
{
    if (!m) return;
    if (!m->borrowed)
        for (size_t i = 0; i < m->cap; i++) free(m->slots[i].key);
    free(m->slots);
    free(m);
}

/* ---- strings --------------------------------------------------------------- */

bool svc_str_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool svc_str_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int svc_dotted_depth(const char *dotted)
{
    if (!dotted || !*dotted) return 0;
    int depth = 1;
    for (const char *p = dotted; *p; p++)
        if (*p == '.') depth++;
    return depth;
}

const char *svc_dotted_last(const char *dotted)
{
    const char *dot = strrchr(dotted, '.');
    return dot ? dot + 1 : dotted;
}

bool svc_dotted_within(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(name, prefix, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

bool svc_path_within(const char *path, const char *folder)
{
    if (!*folder || strcmp(folder, ".") == 0) return true;
    size_t n = strlen(folder);
    while (n > 0 && folder[n - 1] == '/') n--;
    return strncmp(path, folder, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* `**` matches any run of characters including '/', `*` any run without '/',
 * `?` one character other than '/'. Walks the pattern once, keeping the set of path positions
 * each pattern position can stand at (no backtracking): time pattern x path, memory path,
 * whatever the pattern (an exclude such as "**a**a**a**b" was exponential when backtracking).
 * Matches s[0..n); with `folders`, also a folder of it (s[0..t) where s[t] is '/'), in the same walk. */
static bool glob_from(const char *p, const char *s, size_t n, bool folders)
{
    size_t m = strlen(p);
    unsigned char stack_rows[1024];
    /* rows[k % 4]: positions of s where p[k..] is tried; a token writes rows k+1..k+3 */
    unsigned char *rows = 4 * (n + 1) <= sizeof stack_rows ? stack_rows : svc_xmalloc(4 * (n + 1));
    memset(rows, 0, 4 * (n + 1));
#define GLOB_ROW(k) (rows + ((k) & 3) * (n + 1))
    GLOB_ROW(0)[0] = 1;
    bool alive = true;
    size_t k = 0;
    for (; k < m && alive; k++) {
        unsigned char *r = GLOB_ROW(k);
        if (p[k] == '*' && p[k + 1] == '*') {
            if (p[k + 2] == '/') {
                /* "**" + "/" also matches zero folders */
                unsigned char *skip = GLOB_ROW(k + 3);
                for (size_t t = 0; t <= n; t++) skip[t] |= r[t];
            }
            unsigned char *out = GLOB_ROW(k + 2);
            bool on = false;
            for (size_t t = 0; t <= n; t++) {
                on = on || r[t];
                out[t] |= on;
            }
        } else if (p[k] == '*') {
            unsigned char *out = GLOB_ROW(k + 1);
            bool on = false;
            for (size_t t = 0; t <= n; t++) {
                on = on || r[t];
                out[t] |= on;
                if (t < n && s[t] == '/') on = false;
            }
        } else {
            unsigned char *out = GLOB_ROW(k + 1);
            for (size_t t = 0; t < n; t++)
                if (r[t] && (p[k] == '?' ? s[t] != '/' : s[t] == p[k])) out[t + 1] = 1;
        }
        memset(r, 0, n + 1);
        alive = false;
        for (size_t j = 1; j <= 3 && !alive; j++) alive = memchr(GLOB_ROW(k + j), 1, n + 1) != NULL;
    }
    const unsigned char *end = GLOB_ROW(k);
    bool hit = alive && end[n];
    for (size_t t = 0; alive && folders && !hit && t < n; t++) hit = s[t] == '/' && end[t];
#undef GLOB_ROW
    if (rows != stack_rows) free(rows);
    return hit;
}

bool svc_glob_match(const char *pattern, const char *path)
{
    /* A pattern without '/' matches the file name or any folder name on the path,
     * the way .gitignore and ruff's exclude behave. */
    if (!strchr(pattern, '/')) {
        const char *seg = path;
        for (;;) {
            const char *end = strchr(seg, '/');
            size_t n = end ? (size_t)(end - seg) : strlen(seg);
            if (glob_from(pattern, seg, n, false)) return true;
            if (!end) return false;
            seg = end + 1;
        }
    }
    if (*pattern == '/') pattern++;
    /* A folder pattern also covers everything below it. */
    return glob_from(pattern, path, strlen(path), true);
}

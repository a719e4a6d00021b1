/*
 * The tree-sitter allocator: a per-thread bump arena while a thread extracts facts.
 *
 * Tree-sitter's allocations during an extraction come from a per-thread bump arena: a parse
 * makes and frees hundreds of thousands of small objects, and malloc/free were a sixth of the
 * extraction's time. Everything tree-sitter allocates inside svc_facts_extract (parser, tree,
 * cursors) is freed before it returns, so the arena is simply rewound then. Outside an
 * extraction (the TUI's highlighter, fixes re-parsing) and for memory that was not bumped, the
 * functions fall back to the libc allocator. Each bumped block is preceded by its size (realloc).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "core/ts_arena.h"

typedef struct bump_chunk {
    struct bump_chunk *next;
    size_t used, size;
    max_align_t data[];
} bump_chunk;

typedef struct bump_state {
    bool active;
    size_t total;              /* bytes bumped in this extraction */
    bump_chunk *head;
    bump_chunk **sorted;       /* the chunks by address, so that a free finds its chunk in log time */
    size_t nsorted, capsorted;
} bump_state;

static _Thread_local bump_state bump;
static pthread_key_t bump_key;
static pthread_once_t bump_once = PTHREAD_ONCE_INIT;

#define BUMP_CHUNK (1u << 20)
#define BUMP_HEADER sizeof(max_align_t)
/* Past this, a (huge) file's allocations go to malloc, whose frees give memory back. */
#define BUMP_LIMIT (32u << 20)
#define BUMPING() (bump.active && bump.total <= BUMP_LIMIT)

static bool in_chunk(const bump_chunk *c, const void *p)
{
    return (const char *)p >= (const char *)c->data && (const char *)p < (const char *)c->data + c->size;
}

/* Binary search: a walk of the chunk list made every free of a big file's parse quadratic. */
static bool bump_owns(const void *p)
{
    if (bump.head && in_chunk(bump.head, p)) return true;
    size_t lo = 0, hi = bump.nsorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((const char *)bump.sorted[mid]->data <= (const char *)p) lo = mid + 1;
        else hi = mid;
    }
    return lo > 0 && in_chunk(bump.sorted[lo - 1], p);
}

static void bump_index(bump_chunk *c)
{
    if (bump.nsorted == bump.capsorted) {
        bump.capsorted = bump.capsorted ? 2 * bump.capsorted : 64;
        bump.sorted = realloc(bump.sorted, bump.capsorted * sizeof *bump.sorted);
        if (!bump.sorted) abort();
    }
    size_t at = bump.nsorted;
    while (at > 0 && (const char *)bump.sorted[at - 1]->data > (const char *)c->data) at--;
    memmove(bump.sorted + at + 1, bump.sorted + at, (bump.nsorted - at) * sizeof *bump.sorted);
    bump.sorted[at] = c;
    bump.nsorted++;
}

static void *bump_alloc(size_t n)
{
    size_t need = BUMP_HEADER + ((n + BUMP_HEADER - 1) & ~(BUMP_HEADER - 1));
    bump_chunk *c = bump.head;
    if (!c || c->used + need > c->size) {
        /* chunks double, so that a big file needs few of them */
        size_t size = c ? c->size * 2 : BUMP_CHUNK;
        if (size < need) size = need;
        c = malloc(sizeof *c + size);
        if (!c) abort();
        c->used = 0;
        c->size = size;
        c->next = bump.head;
        bump.head = c;
        bump_index(c);
    }
    char *p = (char *)c->data + c->used;
    c->used += need;
    bump.total += need;
    memcpy(p, &n, sizeof n);
    return p + BUMP_HEADER;
}

static void *ts_bump_malloc(size_t n)
{
    if (!BUMPING()) {
        void *p = malloc(n ? n : 1);
        if (!p) abort();
        return p;
    }
    return bump_alloc(n);
}

static void *ts_bump_calloc(size_t count, size_t size)
{
    if (!BUMPING()) {
        void *p = calloc(count ? count : 1, size ? size : 1);
        if (!p) abort();
        return p;
    }
    if (size && count > SIZE_MAX / size) abort();
    void *p = bump_alloc(count * size);
    memset(p, 0, count * size);
    return p;
}

static void ts_bump_free(void *p)
{
    if (p && !(bump.head && bump_owns(p))) free(p);
}

static void *ts_bump_realloc(void *p, size_t n)
{
    if (p && bump.head && bump_owns(p)) {
        size_t old;
        memcpy(&old, (char *)p - BUMP_HEADER, sizeof old);
        if (n <= old) return p;
        void *q = BUMPING() ? bump_alloc(n) : malloc(n);
        if (!q) abort();
        memcpy(q, p, old);
        return q;
    }
    if (BUMPING() && !p) return bump_alloc(n);
    void *q = realloc(p, n ? n : 1);
    if (!q) abort();
    return q;
}

/* Keeps one chunk for the next extraction on this thread; the others go back to malloc. */
static void bump_rewind(void)
{
    bump_chunk *keep = NULL;
    for (bump_chunk *c = bump.head, *next; c; c = next) {
        next = c->next;
        if (!keep && c->size == BUMP_CHUNK) {
            keep = c;
            keep->next = NULL;
            keep->used = 0;
        } else {
            free(c);
        }
    }
    bump.head = keep;
    bump.total = 0;
    bump.nsorted = 0;
    if (keep) bump.sorted[bump.nsorted++] = keep;
}

static void bump_thread_exit(void *unused)
{
    (void)unused;
    for (bump_chunk *c = bump.head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    bump.head = NULL;
    free(bump.sorted);
    bump.sorted = NULL;
    bump.nsorted = bump.capsorted = 0;
}

static void bump_init(void)
{
    pthread_key_create(&bump_key, bump_thread_exit);
    ts_set_allocator(ts_bump_malloc, ts_bump_calloc, ts_bump_realloc, ts_bump_free);
}

void svc_ts_arena_begin(void)
{
    pthread_once(&bump_once, bump_init);
    pthread_setspecific(bump_key, (void *)1); /* so that the thread's exit frees the arena */
    bump.active = true;
}

void svc_ts_arena_end(void)
{
    bump.active = false;
    bump_rewind();
}

void svc_ts_arena_release_thread(void)
{
    bump_thread_exit(NULL);
}

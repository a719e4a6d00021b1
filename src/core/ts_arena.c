/*
 * The tree-sitter allocator: fact extraction allocates from a per-thread bump arena, every other
 * use of tree-sitter from the heap.
 *
 * Why an arena: a parse makes and frees hundreds of thousands of small objects, and malloc/free
 * were a sixth of the extraction's time. Everything tree-sitter allocates during an extraction
 * (parser, trees, cursors) is freed before the extraction ends, so the arena is then simply
 * rewound. (What tree-sitter hands its caller to free(), such as ts_node_string's text, is not
 * asked for during an extraction.)
 *
 * tree-sitter 0.20.7 only has a process-wide allocator (ts_set_allocator), which the explorer's
 * highlighter, the fixers and the TOML readers go through too. What makes that safe:
 *  - Installed once (pthread_once), by svc_ts_arena_begin and by svc_parser_new, before their
 *    callers make any tree-sitter object. ts_set_allocator's stores are not synchronized with
 *    other threads' tree-sitter calls, so parsers are best made with svc_parser_new; memory
 *    allocated before the installation is still freed correctly (next points).
 *  - A thread allocates from its arena only between svc_ts_arena_begin and svc_ts_arena_end (a
 *    thread-local flag), and within that only up to BUMP_LIMIT bytes. Any other allocation is
 *    malloc, calloc or realloc: the highlighter's and the fixers' trees are ordinary heap memory,
 *    whatever other threads are extracting meanwhile.
 *  - A block is the arena's when its address lies in one of the arena's chunks; anything else
 *    (heap blocks, blocks allocated before the allocator was installed) goes to free/realloc.
 *  - An arena counts its blocks in use. svc_ts_arena_end rewinds it only when none is. If memory
 *    allocated during the extraction is still in use (a tree that outlives it), the arena is
 *    retired instead: moved whole to a process-wide list, where a later free or realloc of its
 *    blocks, from any thread, finds it; it is freed with its last block. So arena memory is
 *    never handed to free() and never reused while in use.
 * Only its own thread touches an arena that is not retired (an extraction hands no tree-sitter
 * object to another thread before it ends), so the hot paths take no lock. The retired list has
 * a mutex and is searched only when it is not empty (one atomic load otherwise).
 *
 * Each bumped block is preceded by its size (for realloc).
 */
#include <pthread.h>
#include <stdatomic.h>
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
    size_t live;               /* blocks bumped and not freed */
    bump_chunk *head;
    bump_chunk **sorted;       /* the chunks by address, so that a free finds its chunk in log time */
    size_t nsorted, capsorted;
} bump_state;

/* An arena whose blocks outlived their extraction. */
typedef struct retired_arena {
    struct retired_arena *next;
    bump_chunk *head;
    bump_chunk **sorted;
    size_t nsorted;
    size_t live;
} retired_arena;

static _Thread_local bump_state bump;
static pthread_key_t bump_key;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static pthread_mutex_t retired_lock = PTHREAD_MUTEX_INITIALIZER;
static retired_arena *retired;
static atomic_size_t nretired;

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
static bool sorted_chunks_own(bump_chunk *const *sorted, size_t n, const void *p)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((const char *)sorted[mid]->data <= (const char *)p) lo = mid + 1;
        else hi = mid;
    }
    return lo > 0 && in_chunk(sorted[lo - 1], p);
}

/* True when p is a block of the calling thread's arena. */
static bool bump_owns(const void *p)
{
    if (!bump.head) return false;
    if (in_chunk(bump.head, p)) return true;
    return sorted_chunks_own(bump.sorted, bump.nsorted, p);
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
    bump.live++;
    memcpy(p, &n, sizeof n);
    return p + BUMP_HEADER;
}

static size_t bumped_size(const void *p)
{
    size_t n;
    memcpy(&n, (const char *)p - BUMP_HEADER, sizeof n);
    return n;
}

static void free_chunks(bump_chunk *head)
{
    for (bump_chunk *c = head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
}

/* ---- retired arenas ----------------------------------------------------------------- */

/* The retired arena holding p, or NULL; with retired_lock held. */
static retired_arena **retired_holding(const void *p)
{
    for (retired_arena **r = &retired; *r; r = &(*r)->next)
        if (sorted_chunks_own((*r)->sorted, (*r)->nsorted, p)) return r;
    return NULL;
}

/* Whether p is a block of a retired arena; if so, its size in *size. */
static bool retired_block(const void *p, size_t *size)
{
    if (atomic_load_explicit(&nretired, memory_order_acquire) == 0) return false;
    pthread_mutex_lock(&retired_lock);
    bool found = retired_holding(p) != NULL;
    pthread_mutex_unlock(&retired_lock);
    if (found) *size = bumped_size(p);
    return found;
}

/* Frees p if it is a block of a retired arena, and the arena with its last block. */
static bool retired_free(const void *p)
{
    if (atomic_load_explicit(&nretired, memory_order_acquire) == 0) return false;
    retired_arena *done = NULL;
    pthread_mutex_lock(&retired_lock);
    retired_arena **r = retired_holding(p);
    bool found = r != NULL;
    if (found && --(*r)->live == 0) {
        done = *r;
        *r = done->next;
        atomic_fetch_sub_explicit(&nretired, 1, memory_order_release);
    }
    pthread_mutex_unlock(&retired_lock);
    if (done) {
        free_chunks(done->head);
        free(done->sorted);
        free(done);
    }
    return found;
}

/* Hands the calling thread's arena, some of whose blocks are in use, to the retired list. */
static void bump_retire(void)
{
    retired_arena *r = malloc(sizeof *r);
    if (!r) abort();
    r->head = bump.head;
    r->sorted = bump.sorted;
    r->nsorted = bump.nsorted;
    r->live = bump.live;
    pthread_mutex_lock(&retired_lock);
    r->next = retired;
    retired = r;
    atomic_fetch_add_explicit(&nretired, 1, memory_order_release);
    pthread_mutex_unlock(&retired_lock);
    bump.head = NULL;
    bump.sorted = NULL;
    bump.nsorted = bump.capsorted = 0;
    bump.live = 0;
    bump.total = 0;
}

/* ---- the functions tree-sitter calls -------------------------------------------------- */

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
    if (!p) return;
    if (bump_owns(p)) {
        bump.live--; /* its bytes come back when the arena is rewound */
        return;
    }
    if (!retired_free(p)) free(p);
}

static void *ts_bump_realloc(void *p, size_t n)
{
    size_t old;
    bool own = p && bump_owns(p);
    if (own || (p && retired_block(p, &old))) {
        if (own) old = bumped_size(p);
        if (n <= old) return p;
        void *q = BUMPING() ? bump_alloc(n) : malloc(n);
        if (!q) abort();
        memcpy(q, p, old);
        ts_bump_free(p);
        return q;
    }
    if (BUMPING() && !p) return bump_alloc(n);
    void *q = realloc(p, n ? n : 1);
    if (!q) abort();
    return q;
}

/* ---- the arena's life --------------------------------------------------------------- */

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
    if (bump.live) {
        bump_retire();
        return;
    }
    free_chunks(bump.head);
    bump.head = NULL;
    free(bump.sorted);
    bump.sorted = NULL;
    bump.nsorted = bump.capsorted = 0;
    bump.total = 0;
}

static void install(void)
{
    pthread_key_create(&bump_key, bump_thread_exit);
    ts_set_allocator(ts_bump_malloc, ts_bump_calloc, ts_bump_realloc, ts_bump_free);
}

void svc_ts_arena_install(void)
{
    pthread_once(&install_once, install);
}

void svc_ts_arena_begin(void)
{
    svc_ts_arena_install();
    pthread_setspecific(bump_key, (void *)1); /* so that the thread's exit frees the arena */
    bump.active = true;
}

void svc_ts_arena_end(void)
{
    bump.active = false;
    if (bump.live) bump_retire();
    else bump_rewind();
}

void svc_ts_arena_release_thread(void)
{
    bump_thread_exit(NULL);
}

size_t svc_ts_arena_retired(void)
{
    return atomic_load(&nretired);
}

/* Small containers shared by the core: growable buffers, vectors, an arena, a string map. */
#ifndef SVCSCOPE_UTIL_H
#define SVCSCOPE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most code that uses these containers reads text too. */
#include "svcscope/utf8.h"

/* Allocation failure is not recoverable in a CLI: these abort with a message. */
void *svc_xmalloc(size_t n);
void *svc_xcalloc(size_t n, size_t size);
void *svc_xrealloc(void *p, size_t n);
char *svc_xstrdup(const char *s);
char *svc_xstrndup(const char *s, size_t n);
char *svc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "svcscope: out of memory" (and the size asked for, when n is not 0) on stderr, then abort(): for
 * an allocation by another library (jansson) that failed. */
_Noreturn void svc_out_of_memory(size_t n);

/* Growable vector of any element type: SVC_VEC(int) v = {0}; svc_vec_push(&v, 3); */
#define SVC_VEC(T) struct { T *items; size_t len, cap; }
#define svc_vec_reserve(v, n)                                                  \
    do {                                                                       \
        if ((v)->len + (n) > (v)->cap) {                                       \
            size_t svc_nc_ = (v)->cap ? (v)->cap * 2 : 8;                      \
            while (svc_nc_ < (v)->len + (n)) svc_nc_ *= 2;                     \
            (v)->items = svc_xrealloc((v)->items, svc_nc_ * sizeof *(v)->items); \
            (v)->cap = svc_nc_;                                                \
        }                                                                      \
    } while (0)
#define svc_vec_push(v, x)                                                     \
    do {                                                                       \
        svc_vec_reserve((v), 1);                                               \
        (v)->items[(v)->len++] = (x);                                          \
    } while (0)
#define svc_vec_free(v)                                                        \
    do {                                                                       \
        free((v)->items);                                                      \
        (v)->items = NULL;                                                     \
        (v)->len = (v)->cap = 0;                                               \
    } while (0)

/* Growable byte buffer, always NUL-terminated when non-empty. */
typedef struct svc_buf {
    char *data;
    size_t len, cap;
} svc_buf;

void svc_buf_append(svc_buf *b, const char *s, size_t n);
void svc_buf_puts(svc_buf *b, const char *s);
void svc_buf_putc(svc_buf *b, char c);
void svc_buf_printf(svc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void svc_buf_vprintf(svc_buf *b, const char *fmt, va_list ap);
/* Hands the string to the caller (never NULL) and resets the buffer. */
char *svc_buf_detach(svc_buf *b);
void svc_buf_free(svc_buf *b);

/* Bump allocator: everything allocated from it is freed at once. */
typedef struct svc_arena svc_arena;
svc_arena *svc_arena_new(void);
/* An arena whose first block holds about `first_block` bytes (blocks double from there). */
svc_arena *svc_arena_new_sized(size_t first_block);
void *svc_arena_alloc(svc_arena *a, size_t n);
char *svc_arena_strndup(svc_arena *a, const char *s, size_t n);
char *svc_arena_strdup(svc_arena *a, const char *s);
/* Drops const from a pointer, visibly: for memory a structure owns but hands out as const (freed
 * through it), and for a cache behind a const interface. Every use is greppable. */
#define SVC_UNCONST(type, p) ((type)(uintptr_t)(const void *)(p))

char *svc_arena_printf(svc_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *svc_arena_vprintf(svc_arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void svc_arena_free(svc_arena *a);

/* Open-addressing map from string keys (copied) to pointers. */
typedef struct svc_map svc_map;
svc_map *svc_map_new(void);
/* A map that keeps the caller's key pointers (which must outlive it) instead of copies. */
svc_map *svc_map_new_borrowed(void);
/* Returns the previous value, or NULL. */
void *svc_map_put(svc_map *m, const char *key, void *value);
void *svc_map_get(const svc_map *m, const char *key);
/* The value slot of a key, inserting it (value NULL, *created true) when absent. The pointer is
 * valid until the next insertion. */
void **svc_map_slot(svc_map *m, const char *key, bool *created);
size_t svc_map_count(const svc_map *m);
/* Iterate: for (size_t i = 0; svc_map_next(m, &i, &k, &v);) */
bool svc_map_next(const svc_map *m, size_t *iter, const char **key, void **value);
void svc_map_free(svc_map *m);

/* String helpers. */
bool svc_str_starts_with(const char *s, const char *prefix);
bool svc_str_ends_with(const char *s, const char *suffix);
/* Number of dot-separated parts of a dotted name ("a.b.c" is 3, "" is 0). */
int svc_dotted_depth(const char *dotted);
/* Last dot-separated part of a dotted name (a pointer into it). */
const char *svc_dotted_last(const char *dotted);
/* True when `name` equals `prefix` or starts with `prefix` followed by '.'. */
bool svc_dotted_within(const char *name, const char *prefix);
/* True when the repo-relative `path` is the folder `folder` or inside it: only at a '/' boundary
 * (services/billing holds services/billing/x.py, not services/billing.py). A trailing '/' of the
 * folder does not count; "" and "." hold every path. */
bool svc_path_within(const char *path, const char *folder);
/* Shell-style glob on repo-relative paths: `*` stays in one segment, `**` spans segments. */
bool svc_glob_match(const char *pattern, const char *path);

#endif

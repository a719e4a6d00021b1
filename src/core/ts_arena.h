/*
 * The process's tree-sitter allocator (ts_arena.c): a per-thread bump arena while a thread
 * extracts facts, the heap everywhere else. Not a public interface.
 */
#ifndef SVCSCOPE_TS_ARENA_H
#define SVCSCOPE_TS_ARENA_H

#include <stddef.h>

/* Installs the allocator (once per process). Call it before making any tree-sitter object. */
void svc_ts_arena_install(void);
/* From here until svc_ts_arena_end, the calling thread's tree-sitter allocations come from its
 * arena. Installs the allocator. */
void svc_ts_arena_begin(void);
/* Back to the heap. The arena is rewound for the next extraction, or, if memory allocated in it
 * is still in use, kept until that memory is freed (by any thread). */
void svc_ts_arena_end(void);
/* Frees the calling thread's arena (threads that end free theirs by themselves). */
void svc_ts_arena_release_thread(void);
/* Arenas kept alive by memory that outlived its extraction, not freed yet. */
size_t svc_ts_arena_retired(void);

#endif

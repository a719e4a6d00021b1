/*
 * The tree-sitter allocator (ts_arena.c): a per-thread bump arena while a thread extracts facts.
 * Not a public interface.
 */
#ifndef SVCSCOPE_TS_ARENA_H
#define SVCSCOPE_TS_ARENA_H

/* From here until svc_ts_arena_end, the calling thread's tree-sitter allocations come from its
 * arena. Installs the allocator. */
void svc_ts_arena_begin(void);
/* Back to the libc allocator; the arena is rewound for the next extraction. */
void svc_ts_arena_end(void);
/* Frees the calling thread's arena (threads that end free theirs by themselves). */
void svc_ts_arena_release_thread(void);

#endif

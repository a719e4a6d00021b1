/*
 * A parallel loop: a function run on every item of a list by the calling thread and up to
 * threads-1 others, each taking the next item as it finishes one. The model's build parses
 * files with it; nothing in it knows what an item is.
 */
#ifndef SVCSCOPE_JOBS_H
#define SVCSCOPE_JOBS_H

#include <stddef.h>

#define SVC_JOBS_MAX_THREADS 64

/* `worker` is 0 on the calling thread, 1.. on the others: an index for per-thread state. */
typedef void (*svc_job_fn)(void *ctx, size_t item, int worker);

/* Runs fn(ctx, items[k], worker) for every k and returns when all are done. `threads` is at most
 * SVC_JOBS_MAX_THREADS, and no more threads than items are used; a thread that cannot be started
 * leaves its share to the others. */
void svc_jobs_run(const size_t *items, size_t n, int threads, svc_job_fn fn, void *ctx);

#endif

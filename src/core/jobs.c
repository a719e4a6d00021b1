/*
 * The parallel loop of jobs.h: an atomic index hands out the items, so threads that get cheap
 * items take more of them; no queue, no locks.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "core/jobs.h"

typedef struct job {
    const size_t *items;
    size_t n;
    svc_job_fn fn;
    void *ctx;
    atomic_size_t next;
    atomic_int worker_ids;
} job;

static void job_run(job *j, int worker)
{
    for (;;) {
        size_t k = atomic_fetch_add(&j->next, 1);
        if (k >= j->n) break;
        j->fn(j->ctx, j->items[k], worker);
    }
}

static void *job_thread(void *arg)
{
    job *j = arg;
    job_run(j, atomic_fetch_add(&j->worker_ids, 1));
    return NULL;
}

void svc_jobs_run(const size_t *items, size_t n, int threads, svc_job_fn fn, void *ctx)
{
    if (!n) return;
    job j = { .items = items, .n = n, .fn = fn, .ctx = ctx };
    atomic_init(&j.next, 0);
    atomic_init(&j.worker_ids, 1);
    if (threads > SVC_JOBS_MAX_THREADS) threads = SVC_JOBS_MAX_THREADS;
    if ((size_t)threads > n) threads = (int)n;
    pthread_t tids[SVC_JOBS_MAX_THREADS];
    int started = 0;
    for (int t = 1; t < threads; t++)
        if (pthread_create(&tids[started], NULL, job_thread, &j) == 0) started++;
    job_run(&j, 0);
    for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
}

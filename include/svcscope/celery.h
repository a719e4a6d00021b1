/*
 * What Celery's API looks like in the facts: the call attributes that queue a task. One answer
 * for every reader of the facts (the rules, the fixers), so they agree on what a queueing is.
 */
#ifndef SVCSCOPE_CELERY_H
#define SVCSCOPE_CELERY_H

#include <stdbool.h>

/* True for `delay` and `apply_async`: `<task>.delay(...)` and `<task>.apply_async(...)` queue the
 * task. False for NULL (a call whose callee has no attribute). */
bool svc_attr_queues_task(const char *attr);

#endif

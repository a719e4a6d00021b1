/*
 * Where SVC401 sends a task outside the tasks service: the identifier of its destination module,
 * `<tasks service>/<identifier>_tasks.py` (see task_destination.c for how it is chosen).
 */
#ifndef SVCSCOPE_TASK_DESTINATION_H
#define SVCSCOPE_TASK_DESTINATION_H

#include <stddef.h>

/*
 * For n tasks, given by the repo-relative path of their file and their name: the identifier each
 * one's tasks module gets. Every identifier is a valid Python module name (it gets `_tasks`
 * appended), tasks of one file share one, and no two tasks of one name from different files get
 * the same. Returns a malloc'd array of n malloc'd strings.
 */
char **svc_task_destinations(const char *const *paths, const char *const *task_names, size_t n);

#endif

/* What the watcher's parts (watch.c and its two ways, env/watch_internal.h) share: the clock and
 * the files of the git dir they read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "env/watch_internal.h"

int64_t env_watch_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A small file's first line, malloc'd without its newline, or NULL. */
char *watch_first_line(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char buf[1024];
    char *line = fgets(buf, sizeof buf, f) ? svc_xstrdup(buf) : NULL;
    fclose(f);
    if (line) line[strcspn(line, "\r\n")] = '\0';
    return line;
}

char *watch_head_ref(const env_watch *w)
{
    if (!w->git_dir) return NULL;
    char *path = svc_xasprintf("%sHEAD", w->git_dir);
    char *line = watch_first_line(path);
    free(path);
    if (!line || strncmp(line, "ref: ", 5) != 0) {
        free(line);
        return NULL;
    }
    char *ref = svc_xstrdup(line + 5);
    free(line);
    return ref;
}

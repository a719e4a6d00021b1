/* The background load: one thread per load, state shared under a mutex. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/fix.h"
#include "svcscope/util.h"
#include "tui/loader.h"

struct tui_loader {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t finished_cond;
    char *root;
    /* under lock */
    tui_load_status status;
    bool finished;
    bool abandoned;
    tui_project *project;
    svc_error err;
};

static void loader_destroy(tui_loader *l)
{
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->finished_cond);
    free(l->root);
    free(l);
}

static void on_phase(void *ctx, tui_load_phase phase)
{
    tui_loader *l = ctx;
    pthread_mutex_lock(&l->lock);
    l->status.phase = phase;
    pthread_mutex_unlock(&l->lock);
}

static void on_progress(void *ctx, size_t done, size_t total)
{
    tui_loader *l = ctx;
    pthread_mutex_lock(&l->lock);
    l->status.done = done;
    l->status.total = total;
    pthread_mutex_unlock(&l->lock);
}

static void *load_main(void *arg)
{
    tui_loader *l = arg;
    tui_project_callbacks cb = { on_phase, on_progress, l };
    tui_project *project = NULL;
    svc_error err = SVC_ERROR_INIT;
    tui_project_open(&project, l->root, &cb, &err);

    pthread_mutex_lock(&l->lock);
    bool abandoned = l->abandoned;
    l->project = project;
    l->err = err;
    l->finished = true;
    pthread_cond_broadcast(&l->finished_cond);
    pthread_mutex_unlock(&l->lock);
    if (abandoned) {
        /* Nobody will take it: this thread is detached and owns everything. */
        tui_project_free(project);
        loader_destroy(l);
    }
    return NULL;
}

tui_loader *tui_loader_start(const char *root, svc_error *err)
{
    tui_loader *l = svc_xcalloc(1, sizeof *l);
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->finished_cond, NULL);
    l->root = svc_xstrdup(root);
    l->status.phase = TUI_LOAD_OPENING;
    /* The thread (and the model's parse threads it starts) never takes SIGHUP, SIGTERM...: they reach
     * the main thread, which holds them back while it writes a fix batch (svc_fix_held_signals). */
    sigset_t held, old;
    svc_fix_held_signals(&held);
    pthread_sigmask(SIG_BLOCK, &held, &old);
    int rc = pthread_create(&l->thread, NULL, load_main, l);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        svc_error_set(err, SVC_EIO, "cannot start the loading thread: %s", strerror(rc));
        loader_destroy(l);
        return NULL;
    }
    return l;
}

void tui_loader_status(tui_loader *l, tui_load_status *out)
{
    pthread_mutex_lock(&l->lock);
    *out = l->status;
    pthread_mutex_unlock(&l->lock);
}

bool tui_loader_finish(tui_loader *l, bool wait, tui_project **project, svc_error *err)
{
    pthread_mutex_lock(&l->lock);
    while (wait && !l->finished) pthread_cond_wait(&l->finished_cond, &l->lock);
    bool finished = l->finished;
    if (finished) {
        *project = l->project;
        *err = l->err;
    }
    pthread_mutex_unlock(&l->lock);
    if (!finished) return false;
    pthread_join(l->thread, NULL);
    loader_destroy(l);
    return true;
}

void tui_loader_abandon(tui_loader *l)
{
    if (!l) return;
    pthread_mutex_lock(&l->lock);
    bool finished = l->finished;
    if (!finished) l->abandoned = true;
    pthread_mutex_unlock(&l->lock);
    if (finished) {
        pthread_join(l->thread, NULL);
        tui_project_free(l->project);
        loader_destroy(l);
    } else {
        pthread_detach(l->thread);
    }
}

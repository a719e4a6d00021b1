/*
 * The process environment, read once, for the command line and the explorer alike. The core
 * reads no variable: what HOME, the XDG folders and the SVCSCOPE_* switches say reaches it as
 * options from here (docs/configuration.md lists the variables).
 */
#ifndef SVCSCOPE_ENV_ENVIRONMENT_H
#define SVCSCOPE_ENV_ENVIRONMENT_H

#include <stdbool.h>
#include "svcscope/model.h"
#include "svcscope/user_dirs.h"

typedef struct env_settings {
    svc_user_dirs dirs;     /* HOME, XDG_CACHE_HOME, XDG_CONFIG_HOME, XDG_STATE_HOME */
    bool no_cache;          /* SVCSCOPE_NO_CACHE: neither read nor write the facts cache */
    bool no_prefilter;      /* SVCSCOPE_NO_PREFILTER: `check` parses every file */
    bool stats;             /* SVCSCOPE_STATS: each model build's counts and phase timings on stderr */
    bool debug;             /* SVCSCOPE_DEBUG: the pre-filter's rounds on stderr */
    bool debug_files;       /* SVCSCOPE_DEBUG_FILES (set at all): with the files each round parsed */
    bool sync_cache_write;  /* SVCSCOPE_DEBUG_SYNC_CACHE_WRITE: the cache is written before the build returns */
    bool watch_poll;        /* SVCSCOPE_WATCH=poll: the explorer's live reload polls instead of using inotify */
    unsigned watch_limit;   /* SVCSCOPE_DEBUG_WATCH_LIMIT: fewer inotify watches than the kernel allows (tests of the fallback) */
    const char *git_index_file; /* GIT_INDEX_FILE: in a hook of `git commit -a`, the index being committed */
} env_settings;

/* The settings, read from the environment on the first call (from any thread). */
const env_settings *env_get(void);
/* &env_get()->dirs: for the core functions that take the user's folders. */
const svc_user_dirs *env_user_dirs(void);
/* Applies the settings to a model build's options: what the caller asked for is kept unless a
 * variable turns it off. */
void env_model_options(svc_model_options *opts);

#endif

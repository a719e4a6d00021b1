/*
 * Reading the environment (environment.h). A switch is on when set to anything but "" or "0";
 * SVCSCOPE_DEBUG_FILES is on when set at all, as it always was. Read once, under pthread_once:
 * the explorer builds its models on a loader thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "env/environment.h"

static env_settings settings;
static pthread_once_t settings_once = PTHREAD_ONCE_INIT;

static bool env_switch_on(const char *name)
{
    const char *v = getenv(name);
    return v && *v && strcmp(v, "0") != 0;
}

static void read_settings(void)
{
    settings.dirs.home = getenv("HOME");
    settings.dirs.cache_home = getenv("XDG_CACHE_HOME");
    settings.dirs.config_home = getenv("XDG_CONFIG_HOME");
    settings.dirs.state_home = getenv("XDG_STATE_HOME");
    settings.git_index_file = getenv("GIT_INDEX_FILE");
    settings.no_cache = env_switch_on("SVCSCOPE_NO_CACHE");
    settings.no_prefilter = env_switch_on("SVCSCOPE_NO_PREFILTER");
    settings.stats = env_switch_on("SVCSCOPE_STATS");
    settings.debug = env_switch_on("SVCSCOPE_DEBUG");
    settings.debug_files = getenv("SVCSCOPE_DEBUG_FILES") != NULL;
    settings.sync_cache_write = env_switch_on("SVCSCOPE_DEBUG_SYNC_CACHE_WRITE");
    const char *watch = getenv("SVCSCOPE_WATCH");
    settings.watch_poll = watch && strcmp(watch, "poll") == 0;
    const char *limit = getenv("SVCSCOPE_DEBUG_WATCH_LIMIT");
    settings.watch_limit = limit && *limit ? (unsigned)strtoul(limit, NULL, 10) : 0;
}

const env_settings *env_get(void)
{
    pthread_once(&settings_once, read_settings);
    return &settings;
}

const svc_user_dirs *env_user_dirs(void)
{
    return &env_get()->dirs;
}

void env_model_options(svc_model_options *opts)
{
    const env_settings *env = env_get();
    opts->cache = opts->cache && !env->no_cache;
    opts->check_only = opts->check_only && !env->no_prefilter;
    opts->user_dirs = &env->dirs;
    opts->trace = env->debug;
    opts->trace_files = env->debug && env->debug_files;
    opts->sync_cache_write = env->sync_cache_write;
}

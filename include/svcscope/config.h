/* Settings from `[tool.svcscope]` in pyproject.toml, overridden by the command line. */
#ifndef SVCSCOPE_CONFIG_H
#define SVCSCOPE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/error.h"

typedef struct svc_per_file_ignore {
    char *glob;
    char **codes;
    size_t ncodes;
} svc_per_file_ignore;

typedef struct svc_config {
    char *services_root;      /* repo-relative folder, NULL = detect */
    char *tasks_service;      /* default "tasks" */
    char **task_decorators;   /* extra decorator names/dotted names that make a Celery task */
    size_t ntask_decorators;
    char **dispatch_functions; /* dotted names of helpers that queue the task given as their first argument */
    size_t ndispatch_functions;
    char **apps;              /* repo-relative folders that are the Django apps (overrides detection) */
    size_t napps;
    bool apps_set;
    char **glue_modules;      /* extra glue module names for SVC501 */
    size_t nglue_modules;
    int max_task_statements;  /* default 3 */
    char **select;            /* codes or prefixes; NULL = all */
    size_t nselect;
    char **ignore;
    size_t nignore;
    char **exclude;           /* globs on repo-relative paths; when exclude_set, they replace the
                                 default excludes (svc_config_default_excludes) */
    size_t nexclude;
    bool exclude_set;
    char **extend_exclude;    /* `extend-exclude` and --exclude: globs added to the excludes */
    size_t nextend_exclude;
    svc_per_file_ignore *per_file_ignores;
    size_t nper_file_ignores;
    uint64_t max_file_size;   /* `max-file-size`: files larger are skipped with a warning; 0 = the
                                 default (svc_source_options, 10 MiB) */
    char *baseline;           /* `baseline`: repo-relative file of recorded findings `check` does not
                                 report (as --baseline), or NULL */
    char *source_file;        /* pyproject.toml it was read from, or NULL */
    uint32_t *key_lines;      /* line of each key in source_file (svc_config_key_line), or NULL */
} svc_config;

/* The largest `max-file-size` accepted (1 GiB): tree-sitter and the facts keep byte offsets in
 * 32 bits, and a file is read whole into memory. */
#define SVC_CONFIG_MAX_FILE_SIZE_LIMIT (1024ull * 1024 * 1024)

/*
 * Parses a size: a whole number of bytes, optionally followed by a unit (K, KB, KiB, M, MB,
 * MiB, G, GB, GiB: all powers of 1024; case-insensitive, blanks allowed before the unit).
 * False when it is not one or is 0 or above SVC_CONFIG_MAX_FILE_SIZE_LIMIT.
 */
bool svc_config_parse_size(const char *text, uint64_t *out);

/* Defaults, no file. */
void svc_config_init(svc_config *cfg);
/* Reads `[tool.svcscope]` from `<root>/pyproject.toml` when it exists. A bad key or value is
 * SVC_ECONFIG with "pyproject.toml:LINE: key: reason". */
int svc_config_load(svc_config *cfg, const char *root, svc_error *err);
/* Same from a buffer (path used in messages). */
int svc_config_parse(svc_config *cfg, const char *path, const char *text, size_t len, svc_error *err);
void svc_config_free(svc_config *cfg);

/* The globs left out when `exclude` is not set: hidden folders, node_modules, site-packages,
 * build and dist. NULL-terminated. */
const char *const *svc_config_default_excludes(void);
/* The excludes in force: `exclude` when set, else the defaults. */
const char *const *svc_config_excludes(const svc_config *cfg, size_t *n);
/* The glob of the excludes in force or of `extend-exclude` that matches the path (or a folder
 * above it), or NULL. Virtualenvs are found apart, from the files: svc_scope. */
const char *svc_config_excluded_by(const svc_config *cfg, const char *path);
bool svc_config_excluded(const svc_config *cfg, const char *path);

/* The keys of [tool.svcscope], NULL-terminated, in the order the docs list them. */
const char *const *svc_config_keys(void);
/* The line of `key` in the pyproject.toml the config was read from; 0 when it was not set there. */
uint32_t svc_config_key_line(const svc_config *cfg, const char *key);

#endif

/*
 * svcscope check --show-settings: the settings in force for a project and where each came from
 * (the default, a line of pyproject.toml, a command-line flag), as `ruff check --show-settings`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "svcscope/scope.h"
#include "svcscope/util.h"

static void put_list(svc_buf *b, const char *const *v, size_t n)
{
    svc_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) svc_buf_printf(b, "%s\"%s\"", i ? ", " : "", v[i]);
    svc_buf_putc(b, ']');
}

/* Where a key's value came from: its pyproject.toml line, and a flag that replaced or added to it. */
static void put_origin(svc_buf *b, const svc_config *cfg, const char *key, const char *flag, bool flag_replaces)
{
    uint32_t line = svc_config_key_line(cfg, key);
    if (flag && flag_replaces) svc_buf_printf(b, "%s", flag);
    else if (line && flag) svc_buf_printf(b, "%s:%u + %s", cfg->source_file, line, flag);
    else if (line) svc_buf_printf(b, "%s:%u", cfg->source_file, line);
    else if (flag) svc_buf_printf(b, "default + %s", flag);
    else svc_buf_puts(b, "default");
}

static void print_setting(const char *key, const svc_buf *value, const svc_buf *origin)
{
    printf("%-22s = %-48s  # %s\n", key, value->data ? value->data : "", origin->data);
}

/* The value of one key as TOML (CLI additions included), and the flag that changed it. */
static const char *value_of(svc_buf *v, const svc_config *cfg, const char *key, const cli_settings_flags *flags,
                            bool *replaces)
{
    *replaces = false;
    if (strcmp(key, "services-root") == 0) {
        if (cfg->services_root) svc_buf_printf(v, "\"%s\"", cfg->services_root);
        else svc_buf_puts(v, "(detected)");
    } else if (strcmp(key, "tasks-service") == 0) {
        svc_buf_printf(v, "\"%s\"", cfg->tasks_service);
    } else if (strcmp(key, "task-decorators") == 0) {
        put_list(v, (const char *const *)cfg->task_decorators, cfg->ntask_decorators);
    } else if (strcmp(key, "dispatch-functions") == 0) {
        put_list(v, (const char *const *)cfg->dispatch_functions, cfg->ndispatch_functions);
    } else if (strcmp(key, "baseline") == 0) {
        if (cfg->baseline) svc_buf_printf(v, "\"%s\"", cfg->baseline);
        else svc_buf_puts(v, "(none)");
    } else if (strcmp(key, "apps") == 0) {
        if (cfg->apps_set) put_list(v, (const char *const *)cfg->apps, cfg->napps);
        else svc_buf_puts(v, "(detected)");
    } else if (strcmp(key, "glue-modules") == 0) {
        put_list(v, (const char *const *)cfg->glue_modules, cfg->nglue_modules);
    } else if (strcmp(key, "max-task-statements") == 0) {
        svc_buf_printf(v, "%d", cfg->max_task_statements);
    } else if (strcmp(key, "max-file-size") == 0) {
        uint64_t size = flags->max_file_size ? flags->max_file_size : cfg->max_file_size;
        svc_buf_printf(v, "%llu", (unsigned long long)(size ? size : 10u * 1024 * 1024));
        *replaces = flags->max_file_size != 0;
        return flags->max_file_size ? "--max-file-size" : NULL;
    } else if (strcmp(key, "select") == 0) {
        if (flags->nselect) put_list(v, flags->select, flags->nselect);
        else if (cfg->nselect) put_list(v, (const char *const *)cfg->select, cfg->nselect);
        else svc_buf_puts(v, "[\"SVC\"]");
        *replaces = flags->nselect != 0;
        return flags->nselect ? "--select" : NULL;
    } else if (strcmp(key, "ignore") == 0) {
        svc_buf b = { 0 };
        put_list(v, (const char *const *)cfg->ignore, cfg->nignore);
        if (flags->nignore) {
            v->len--; /* the closing bracket: the flag's codes follow */
            put_list(&b, flags->ignore, flags->nignore);
            svc_buf_printf(v, "%s%s", cfg->nignore ? ", " : "", b.data + 1);
        }
        svc_buf_free(&b);
        return flags->nignore ? "--ignore" : NULL;
    } else if (strcmp(key, "exclude") == 0) {
        size_t n;
        const char *const *globs = svc_config_excludes(cfg, &n);
        put_list(v, globs, n);
    } else if (strcmp(key, "extend-exclude") == 0) {
        put_list(v, (const char *const *)cfg->extend_exclude, cfg->nextend_exclude);
        return cfg->nextend_exclude && flags->nexclude ? "--exclude" : NULL;
    } else if (strcmp(key, "per-file-ignores") == 0) {
        svc_buf_putc(v, '{');
        for (size_t i = 0; i < cfg->nper_file_ignores; i++) {
            svc_buf_printf(v, "%s\"%s\" = ", i ? ", " : " ", cfg->per_file_ignores[i].glob);
            put_list(v, (const char *const *)cfg->per_file_ignores[i].codes, cfg->per_file_ignores[i].ncodes);
        }
        svc_buf_puts(v, cfg->nper_file_ignores ? " }" : "}");
    }
    return NULL;
}

int cli_show_settings(const char *root, const cli_settings_flags *flags)
{
    svc_config cfg;
    svc_config_init(&cfg);
    svc_error err = SVC_ERROR_INIT;
    svc_source *src = NULL;
    svc_source_options so = SVC_SOURCE_OPTIONS_INIT;
    if (svc_config_load(&cfg, root, &err) < 0 || svc_source_open(&src, root, &so, &err) < 0) {
        cli_error("%s", err.message);
        svc_config_free(&cfg);
        return EXIT_ERROR;
    }
    cli_add_excludes(&cfg, flags->exclude, flags->nexclude);
    printf("Project root: %s\n", root);
    printf("Settings file: %s\n\n", cfg.source_file ? "pyproject.toml ([tool.svcscope])" : "none (defaults)");
    const char *const *keys = svc_config_keys();
    for (size_t k = 0; keys[k]; k++) {
        svc_buf value = { 0 }, origin = { 0 };
        bool replaces;
        const char *flag = value_of(&value, &cfg, keys[k], flags, &replaces);
        put_origin(&origin, &cfg, keys[k], flag, replaces);
        print_setting(keys[k], &value, &origin);
        svc_buf_free(&value);
        svc_buf_free(&origin);
    }
    svc_scope *scope = svc_scope_new(&cfg, src);
    svc_buf value = { 0 }, origin = { 0 };
    SVC_VEC(const char *) venvs = { 0 };
    for (size_t i = 0; i < svc_scope_virtualenv_count(scope); i++) svc_vec_push(&venvs, svc_scope_virtualenv_at(scope, i));
    put_list(&value, venvs.items, venvs.len);
    svc_buf_puts(&origin, "found: always left out");
    print_setting("virtualenvs", &value, &origin);
    svc_vec_free(&venvs);
    svc_buf_free(&value);
    svc_buf_free(&origin);
    svc_scope_free(scope);
    svc_source_free(src);
    svc_config_free(&cfg);
    return EXIT_CLEAN;
}

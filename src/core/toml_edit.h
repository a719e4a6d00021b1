/*
 * Setting keys of one table in a TOML file while keeping every other byte of it: comments,
 * order, blank lines and other tables stay as they are. The explorer's `[layout]` writer
 * (user_config_write.c) and `svcscope init`'s `[tool.svcscope]` writer (init.c) both do this.
 * Internal to the core.
 */
#ifndef SVCSCOPE_CORE_TOML_EDIT_H
#define SVCSCOPE_CORE_TOML_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svcscope/error.h"

/* One key to set, or (key NULL) a comment line written only when the table is made. */
typedef struct svc_toml_setting {
    const char *key;     /* a bare key ("services-root") */
    const char *value;   /* TOML text on one line: "\"x\"", "[\"a\", \"b\"]", "3" */
    const char *comment; /* added after the value as "  # comment" when the key is added; a comment
                            line's text when key is NULL; or NULL */
} svc_toml_setting;

typedef enum svc_toml_change {
    SVC_TOML_SAME,    /* already holds that value (as TOML values: spacing and quotes aside) */
    SVC_TOML_ADDED,   /* was not there: added after the table's last line (or with the table) */
    SVC_TOML_CHANGED, /* written there with another value: that value is replaced in place */
} svc_toml_change;

/* What happened to each setting (index as given). */
typedef struct svc_toml_set_result {
    svc_toml_change change;
    uint32_t line;        /* CHANGED: the line of the old value */
    char *old_value;      /* CHANGED: the old value as written (malloc'd), else NULL */
} svc_toml_set_result;

/*
 * Sets the keys in the table at the dotted path `table` ("layout", "tool.svcscope"; bare keys)
 * of the document `text` (`path` starts messages): a key written as a value is replaced where
 * it is (its comment stays), a missing key is added after the table's last line, and a table
 * that is missing (or only implied by a sub-table's header) is added at the end, after a
 * blank line, as a [header] with its comment lines and keys. A value already equal is left.
 * *out (malloc'd) is the new text, equal to `text` when nothing changed; results[i] (may be
 * NULL) says what happened to settings[i] (free with svc_toml_set_results_free); *made_table
 * (may be NULL) whether the table was added.
 *
 * SVC_ECONFIG, with "PATH:LINE: TABLE is not a [TABLE] table: CONSEQUENCE" or "...: TABLE.KEY
 * is not a plain value: CONSEQUENCE", when the file does not parse or the table or a key is
 * written in a form this does not rewrite (an inline table, dotted keys, a sub-table).
 */
int svc_toml_set_keys(const char *path, const char *text, size_t len, const char *table,
                      const svc_toml_setting *settings, size_t n, const char *consequence, char **out,
                      size_t *out_len, svc_toml_set_result *results, bool *made_table, svc_error *err);
void svc_toml_set_results_free(svc_toml_set_result *results, size_t n);

#endif

/*
 * Writing the explorer's pane sizes back into the user's settings file: the `[layout]` table's
 * keys are set where they are written (or added to the table, or the table to the end),
 * and every other byte of the file stays as it is (comments, order, other tables). A file the
 * reader refuses, or a `layout` written as an inline table or dotted keys, is not rewritten.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/atomic_file.h"
#include "core/toml_edit.h"
#include "svcscope/user_config.h"
#include "svcscope/util.h"

/* The value as written: a percentage, or "auto" for 0. */
static char *value_text(int percent)
{
    return percent > 0 ? svc_xasprintf("%d", percent) : svc_xstrdup("\"auto\"");
}

#define NSIZES 3
static const char *const names[NSIZES] = { "tree-width", "bottom-height", "problems-width" };

int svc_user_config_save_layout(const svc_user_dirs *dirs, const svc_layout_sizes *sizes, svc_error *err)
{
    char *path = svc_user_config_path(dirs);
    if (!path) return svc_error_set(err, SVC_EIO, "no settings file: neither XDG_CONFIG_HOME nor HOME is usable");
    char *text = NULL;
    size_t len = 0;
    struct stat st;
    mode_t mode = 0644;
    int e = svc_file_read(path, &text, &len, &st);
    int rc = SVC_OK;
    if (e == 0) {
        mode = st.st_mode & 07777;
    } else if (e == ENOENT) {
        text = svc_xstrdup("");
        char *dir = svc_xstrdup(path);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = '\0';
        rc = svc_file_mkdir_p(dir, err);
        free(dir);
    } else {
        rc = svc_error_set(err, SVC_EIO, "%s: %s: the sizes are not saved", path, strerror(e));
    }
    const int values[NSIZES] = { sizes->tree_width, sizes->bottom_height, sizes->problems_width };
    char *texts[NSIZES];
    svc_toml_setting settings[NSIZES];
    for (int k = 0; k < NSIZES; k++) {
        texts[k] = value_text(values[k]);
        settings[k] = (svc_toml_setting){ names[k], texts[k], NULL };
    }
    char *out = NULL;
    size_t out_len = 0;
    if (rc == SVC_OK)
        rc = svc_toml_set_keys(path, text, len, "layout", settings, NSIZES, "the sizes are not saved", &out, &out_len, NULL,
                               NULL, err);
    if (rc == SVC_OK) rc = svc_file_write_atomic(path, out, out_len, mode, true, true, err);
    free(out);
    for (int k = 0; k < NSIZES; k++) free(texts[k]);
    free(text);
    free(path);
    return rc;
}

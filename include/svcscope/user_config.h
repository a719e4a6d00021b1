/*
 * The user's own preferences for the explorer, shared by every project:
 * `$XDG_CONFIG_HOME/svcscope/config.toml` (default `~/.config/svcscope/config.toml`).
 *
 *     theme = "light"            # "default", "mono" or "light"
 *     watch = false              # no live reload (as --no-watch)
 *
 *     [keys]                     # request = "keys" (key names separated by spaces)
 *     quit = "q <C-c>"
 *     next-pane = ["<Tab>", "w"] # or an array of key names
 *     zoom = ""                  # no key at all
 *
 *     [layout]                   # the explorer writes these when panes are resized
 *     tree-width = 30            # percent of the columns, 10 to 90, or "auto"
 *     bottom-height = 40         # percent of the panes' rows that the bottom ones take, or "auto"
 *     problems-width = 58        # percent of the columns the problems take beside the callers
 *
 * No curses here: the file is read into plain data and the explorer applies it. Request
 * names and key names are checked by the explorer, which knows them (src/tui/keys.h);
 * each entry keeps its line so that a message can point at it. Project settings stay in
 * `[tool.svcscope]` of pyproject.toml (svcscope/config.h); nothing here changes findings.
 */
#ifndef SVCSCOPE_USER_CONFIG_H
#define SVCSCOPE_USER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "svcscope/error.h"
#include "svcscope/user_dirs.h"

typedef enum svc_theme {
    SVC_THEME_DEFAULT, /* colours on a dark or default background */
    SVC_THEME_MONO,    /* no colours: bold, reverse, underline only */
    SVC_THEME_LIGHT,   /* colours chosen for a light background */
} svc_theme;

/* One `[keys]` entry. */
typedef struct svc_user_key {
    char *request;  /* normalised: lower case, '-' between words ("next-pane" for NEXT_PANE) */
    char *keys;     /* key names separated by single spaces; "" = the request has no key */
    unsigned line;  /* 1-based line of the entry in the file */
} svc_user_key;

/* [layout]: percentages from 10 to 90; 0 is "auto" (the explorer decides). */
typedef struct svc_layout_sizes {
    int tree_width, bottom_height, problems_width;
} svc_layout_sizes;

typedef struct svc_user_config {
    svc_theme theme;      /* SVC_THEME_DEFAULT unless the file says otherwise */
    bool theme_set;
    unsigned theme_line;  /* 0 when not set */
    bool watch;           /* follow changes made outside the explorer (true unless the file says false) */
    svc_user_key *keys;   /* in file order; a request appears at most once */
    svc_layout_sizes layout;
    size_t nkeys;
    char *source_file;    /* the file it was read from, or NULL (defaults) */
} svc_user_config;

/* Defaults: the default theme, no key overrides. */
void svc_user_config_init(svc_user_config *uc);
void svc_user_config_free(svc_user_config *uc);

/*
 * Where the file is: $XDG_CONFIG_HOME/svcscope/config.toml when XDG_CONFIG_HOME is set to an
 * absolute path (the XDG spec ignores relative ones), else $HOME/.config/svcscope/config.toml,
 * with the values `dirs` gives (the caller's environment). Malloc'd; NULL when neither is usable.
 */
char *svc_user_config_path(const svc_user_dirs *dirs);

/*
 * Reads the file at svc_user_config_path(dirs). A missing file (or no usable path) leaves the
 * defaults and returns SVC_OK. A bad key or value is SVC_ECONFIG with a message
 * "<path>:<line>: <key>: <reason>", and `uc` keeps its defaults: the explorer prints the
 * message and does not start (exit status 2), before it touches the terminal.
 */
int svc_user_config_load(svc_user_config *uc, const svc_user_dirs *dirs, svc_error *err);
/* Same, from a given file (missing is SVC_OK with defaults, like above). */
int svc_user_config_load_file(svc_user_config *uc, const char *path, svc_error *err);
/* Same, from a buffer (`path` is used in messages). */
int svc_user_config_parse(svc_user_config *uc, const char *path, const char *text, size_t len, svc_error *err);

/*
 * Sets the [layout] keys (0: "auto") in the file at svc_user_config_path(dirs),
 * keeping every other byte of it; creates the file (and its folders) when missing. SVC_ECONFIG
 * (nothing written) when the file does not read as TOML or writes `layout` in another form.
 */
int svc_user_config_save_layout(const svc_user_dirs *dirs, const svc_layout_sizes *sizes, svc_error *err);

/* The `[keys]` entry for a request, or NULL. `request` may be written either way:
 * "next-pane", "next_pane" or the X-macro's "NEXT_PANE" all find the same entry. */
const svc_user_key *svc_user_config_key(const svc_user_config *uc, const char *request);

/* "default", "mono", "light"; and back (false for anything else). */
const char *svc_theme_name(svc_theme theme);
bool svc_theme_parse(const char *name, svc_theme *out);

#endif

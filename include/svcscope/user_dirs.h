/*
 * The user's base folders, as the program's environment gives them: HOME and the XDG base
 * directories. The core never reads the environment: its callers (the command line, the
 * explorer, a test) fill this in and hand it to what needs a folder (the facts cache outside git,
 * the undo history outside git, the user settings). A NULL pointer to it, or a NULL field, is an
 * unset variable; each user says which values it takes (the XDG spec ignores relative paths).
 */
#ifndef SVCSCOPE_USER_DIRS_H
#define SVCSCOPE_USER_DIRS_H

typedef struct svc_user_dirs {
    const char *home;        /* $HOME */
    const char *cache_home;  /* $XDG_CACHE_HOME */
    const char *config_home; /* $XDG_CONFIG_HOME */
    const char *state_home;  /* $XDG_STATE_HOME */
} svc_user_dirs;

#endif

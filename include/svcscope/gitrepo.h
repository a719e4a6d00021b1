/* Small git operations outside reading a source: making a repository (the demo, tests). */
#ifndef SVCSCOPE_GITREPO_H
#define SVCSCOPE_GITREPO_H

#include "svcscope/error.h"

/* git init `dir`, add every file in it, commit with `message` on branch main. */
int svc_git_init_commit_all(const char *dir, const char *message, svc_error *err);

#endif

/*
 * Scope: which files of a source are the project. The excludes in force (svc_config_excludes
 * and `extend-exclude`), and virtualenvs, found from the files themselves. Every command reads
 * the model, and the model reads only what is in scope.
 */
#ifndef SVCSCOPE_SCOPE_H
#define SVCSCOPE_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include "svcscope/config.h"
#include "svcscope/source.h"

typedef struct svc_scope svc_scope;

/* Both are borrowed and must outlive the scope. */
svc_scope *svc_scope_new(const svc_config *cfg, const svc_source *src);
void svc_scope_free(svc_scope *scope);

/* True when the path is left out: under a virtualenv, or matched by an exclude glob. */
bool svc_scope_excluded(const svc_scope *scope, const char *path);

/* The virtualenvs found, sorted: a folder holding `pyvenv.cfg`, or one named `venv`, `env` or
 * `virtualenv` holding `bin/activate` (virtualenv before 20 wrote no pyvenv.cfg). */
size_t svc_scope_virtualenv_count(const svc_scope *scope);
const char *svc_scope_virtualenv_at(const svc_scope *scope, size_t i);

#endif

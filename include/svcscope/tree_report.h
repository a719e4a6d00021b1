/* `svcscope tree`: the model as an indented tree (text) or as JSON. */
#ifndef SVCSCOPE_TREE_REPORT_H
#define SVCSCOPE_TREE_REPORT_H

#include <stdbool.h>
#include "svcscope/model.h"

/* What a top-level definition is in the services view. */
typedef enum svc_def_role {
    SVC_DEF_ROLE_FUNCTION,
    SVC_DEF_ROLE_CLASS,
    SVC_DEF_ROLE_TASK,
    SVC_DEF_ROLE_WRAPPER,
    SVC_DEF_ROLE_EXCEPTION,
} svc_def_role;

svc_def_role svc_def_role_of(const svc_model *m, size_t file, size_t def, long *task_or_wrapper);
const char *svc_def_role_name(svc_def_role role);

/* Malloc'd text, one line per node, ending in a newline. */
char *svc_tree_text(const svc_model *m);
/* Malloc'd JSON document (pretty-printed). */
char *svc_tree_json(const svc_model *m);

#endif

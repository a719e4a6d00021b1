/*
 * Dotted names as the rules and the fixers both read them: the first parts of a name, and where a
 * name sits in the services package (its depth, and its first levels as written). Core-private
 * (service_names.c).
 *
 * Service depth counts from the services module whatever its name: `domain`=1, `domain.billing`=2
 * when the root is src/domain. When the services package is itself inside a package
 * (`backend.services`), names written from the bare `services` (code run with backend/ on
 * sys.path) count too, unless the repo has a top-level package of that name.
 */
#ifndef SVCSCOPE_SERVICE_NAMES_H
#define SVCSCOPE_SERVICE_NAMES_H

#include <stddef.h>
#include "svcscope/model.h"

/* The first `n` dot-separated parts of `dotted` (all of it when it has fewer; "" for 0), malloc'd. */
char *svc_dotted_head(const char *dotted, size_t n);

/* The part of `dotted` after the services module: "" for the services module itself,
 * "billing.invoices" for "services.billing.invoices"; NULL when the name is not in it.
 * `*mod_len` (when not NULL) gets the length of the services module as written in `dotted`. */
const char *svc_services_rest(const svc_model *m, const char *dotted, size_t *mod_len);
/* Service depth of a dotted name: services=1, services.billing=2, ...; -1 when not in services. */
int svc_service_depth(const svc_model *m, const char *dotted);
/* The first `depth` service levels of a services name as written ("services.a.b" for 3), malloc'd.
 * Never NULL: a name with fewer levels, or outside services, comes back whole; a depth of 1 or
 * less gives the services module. Callers that need the levels to exist check svc_service_depth. */
char *svc_service_prefix(const svc_model *m, const char *dotted, int depth);

#endif

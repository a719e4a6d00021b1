/* Evidence that a package is a Django app, read from its files' facts (model_apps.c). */
#ifndef SVCSCOPE_APP_EVIDENCE_H
#define SVCSCOPE_APP_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include "svcscope/model.h"

/* True when the file defines a subclass of django.apps.AppConfig (directly, through classes of
 * the repo whose facts are known, or through a third-party `*.apps` module's class). */
bool svc_app_evidence_appconfig(const svc_model *m, size_t file);
/* True when that class of the file is such a subclass. */
bool svc_app_evidence_is_appconfig(const svc_model *m, size_t file, size_t def);
/* True when the file defines a concrete Django model: a class whose bases reach
 * django.db.models.Model, through imports and classes of the repo, or a class of a third-party
 * `models` module (django.contrib.auth.models.AbstractUser, mptt.models.MPTTModel). A pydantic
 * model, a DataLoader in a file named models.py, or an abstract model (`class Meta: abstract =
 * True`, a mixin) is no evidence. */
bool svc_app_evidence_model(const svc_model *m, size_t file);
/* True when a resolved dotted name is a Django model class by the same evidence (SVC604 asks of
 * a parameter's annotation). */
bool svc_app_evidence_names_model(const svc_model *m, const char *dotted);

#endif

/* Helpers for the cmocka tests: temporary repositories made of real files and real git. */
#ifndef SVCSCOPE_TESTLIB_H
#define SVCSCOPE_TESTLIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "svcscope/config.h"
#include "svcscope/model.h"
#include "svcscope/source.h"

/* A file of a fixture project: path and content; a list ends with { NULL, NULL }. */
typedef struct tl_file {
    const char *path;
    const char *content;
} tl_file;

/* A fresh empty folder under $TMPDIR; remove with tl_rmrf. */
char *tl_tempdir(void);
void tl_rmrf(const char *dir);
/* Writes root/path, creating folders. */
void tl_write(const char *root, const char *path, const char *content);
void tl_write_files(const char *root, const tl_file *files);
/* Runs `git -C root <args>` with a fixed identity; fails the test on error. */
void tl_git(const char *root, const char *args);
/* Reads root/path into a malloc'd string. */
char *tl_read(const char *root, const char *path);

/* A model of a folder (work tree), with config loaded from it. */
typedef struct tl_repo {
    svc_source *source;
    svc_config config;
    svc_model *model;
} tl_repo;

void tl_repo_open(tl_repo *r, const char *root);
void tl_repo_open_kind(tl_repo *r, const char *root, svc_source_kind kind, const char *rev);
void tl_repo_close(tl_repo *r);

/* Finds things in a model by name; fail the test when absent. */
const svc_file *tl_file_named(const svc_model *m, const char *path);
const svc_service *tl_service_named(const svc_model *m, const char *name);

/* Runs the checker with only `select` (e.g. "SVC201" or "SVC2") selected. */
#include "svcscope/rules.h"
svc_diagnostics *tl_check(const svc_model *m, const char *select);
/* How many findings have this code (NULL = any), path (NULL = any) and 1-based row (0 = any). */
size_t tl_count(const svc_diagnostics *d, const char *code, const char *path, unsigned row);
/* Prints the findings (for a failing test's output). */
void tl_dump(const svc_diagnostics *d);
/* The first finding with this code, path and 1-based row; fails the test (printing them all) when none. */
const svc_diagnostic *tl_find(const svc_diagnostics *d, const char *code, const char *path, unsigned row);

#endif

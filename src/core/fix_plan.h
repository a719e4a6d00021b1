/*
 * Planning a fix batch (fix_plan.c): which of the fixes asked for can be applied, and what each
 * file they touch becomes. Every fix is checked on its own against the files as they are on disk
 * now (the bytes must be the ones the model read), against the fixes accepted before it
 * (overlapping edits: the later fix is skipped) and, when staging, against the index (the edits
 * must apply to the staged version too, or nothing of the fix is applied); then a fix whose
 * result has more syntax errors than before is dropped. Nothing is written: fix_apply.c turns a
 * plan into a batch and writes it, fix_diff.c shows it. Internal to the core.
 */
#ifndef SVCSCOPE_FIX_PLAN_H
#define SVCSCOPE_FIX_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include "core/fix_internal.h"
#include "svcscope/fix.h"
#include "svcscope/util.h"

/* Why a file is refused when it is not the one the model read (also said by undo and apply). */
#define SVC_CHANGED_ON_DISK "changed on disk since it was read; reload and try again"

/* An edit of an accepted (or once accepted) fix, in the bytes of the file that owns it. */
typedef struct svc_plan_edit {
    size_t fix;
    uint32_t start, end;       /* in the work tree bytes of the owner */
    uint32_t ix_start, ix_end; /* in its staged version (checked-out form), when staging */
    const char *text;
    size_t textlen;
} svc_plan_edit;

typedef SVC_VEC(svc_plan_edit) svc_plan_edits;

typedef enum svc_plan_role {
    SVC_ROLE_NONE,        /* edited in place, or not at all */
    SVC_ROLE_CREATED,     /* made by a fix */
    SVC_ROLE_MOVED_AWAY,  /* moved by a fix to `peer`; still owns the edits */
    SVC_ROLE_MOVE_TARGET, /* where `peer` goes */
} svc_plan_role;

/* A path the fixes touch, as read when first needed. */
typedef struct svc_plan_file {
    char *path;
    bool loaded, checked;
    char *bad;                 /* why the file cannot be touched; said once */
    bool bad_said;
    bool exists;
    char *bytes;               /* as on disk now (checked equal to what the model read) */
    size_t len;
    mode_t mode;
    struct stat st;            /* when read */
    long source_idx, model_file;
    int errors_before;
    bool ix_loaded;
    char *ix_bad;
    bool ix_bad_said;
    svc_ix_entry ix;
    char *ixraw, *ixtext;      /* the staged blob, raw and checked out */
    size_t ixrawlen, ixtextlen;
    svc_line_map *align;       /* work tree lines -> staged lines */
    int ix_errors_before;
    svc_plan_role role;
    size_t role_fix;
    struct svc_plan_file *peer;
    const char *content;       /* SVC_ROLE_CREATED */
    SVC_VEC(size_t) creators;  /* SVC_ROLE_CREATED: the fixes creating it (identical creates are shared) */
    svc_plan_edits edits;      /* of the fixes accepted when they were planned */
} svc_plan_file;

typedef struct svc_fix_plan {
    const svc_model *model;
    const char *root;
    svc_git *git;
    bool stage;
    const svc_fix *const *fixes;
    size_t nfixes;
    bool *accepted;            /* per fix */
    SVC_VEC(svc_plan_file *) files;
    svc_map *by_path;
    SVC_VEC(char *) messages;  /* "path: why" per refused fix or file */
    size_t skipped;
} svc_fix_plan;

/*
 * Starts a plan of the fixes for the model's work tree (opening its git repository when there is
 * one). SVC_EUSAGE when the model is not of the work tree, or `stage` without git. Free the plan
 * with svc_fix_plan_free either way.
 */
int svc_fix_plan_open(svc_fix_plan *p, const svc_model *model, const svc_fix *const *fixes, size_t nfixes,
                      bool stage, svc_error *err);
/* Decides every fix (p->accepted, p->messages, p->skipped). */
void svc_fix_plan_run(svc_fix_plan *p);
void svc_fix_plan_free(svc_fix_plan *p);

/* True when an accepted fix creates the file. */
bool svc_fix_plan_creates(const svc_fix_plan *p, const svc_plan_file *fs);

/*
 * The edits of the accepted fixes of a file, sorted, each once (two fixes may make the same edit),
 * in work tree or (index_side) staged coordinates; leaving out the fixes `off` marks (may be NULL)
 * and those after `upto` ((size_t)-1: none). Free with svc_vec_free.
 */
void svc_fix_plan_live_edits(const svc_fix_plan *p, const svc_plan_file *fs, bool index_side, const bool *off,
                             size_t upto, svc_plan_edits *out);
/* The bytes of the file (work tree or staged version) with those edits made; malloc'd. */
char *svc_fix_plan_spliced(const svc_fix_plan *p, const svc_plan_file *fs, bool index_side, const bool *off,
                           size_t upto, size_t *outlen);

#endif
